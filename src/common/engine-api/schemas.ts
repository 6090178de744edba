/**
 * Request body schemas of the Docker Engine API 1.55, generated from shared/specs/docker-engine-api/swagger-v1.55.yaml by
 * scripts/gen-api-types.mjs: the swagger's schemas cut to what a body check reads (no descriptions,
 * examples or formats). Do not edit: change the generator or the swagger and re-run it.
 */
/* eslint-disable */

/** A swagger 2.0 schema cut down; $ref holds a definition's name. */
export interface ApiSchema {
  $ref?: string;
  allOf?: ApiSchema[];
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'file';
  enum?: unknown[];
  properties?: { [name: string]: ApiSchema };
  items?: ApiSchema;
  additionalProperties?: ApiSchema;
}

/** Definitions that request bodies refer to, by name. */
export const DEFINITIONS: { [name: string]: ApiSchema } = {
  "MountType": {
    "type": "string",
    "enum": [
      "bind",
      "cluster",
      "image",
      "npipe",
      "tmpfs",
      "volume"
    ]
  },
  "DeviceMapping": {
    "type": "object",
    "properties": {
      "PathOnHost": {
        "type": "string"
      },
      "PathInContainer": {
        "type": "string"
      },
      "CgroupPermissions": {
        "type": "string"
      }
    }
  },
  "DeviceRequest": {
    "type": "object",
    "properties": {
      "Driver": {
        "type": "string"
      },
      "Count": {
        "type": "integer"
      },
      "DeviceIDs": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "Capabilities": {
        "type": "array",
        "items": {
          "type": "array",
          "items": {
            "type": "string"
          }
        }
      },
      "Options": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      }
    }
  },
  "ThrottleDevice": {
    "type": "object",
    "properties": {
      "Path": {
        "type": "string"
      },
      "Rate": {
        "type": "integer"
      }
    }
  },
  "Mount": {
    "type": "object",
    "properties": {
      "Target": {
        "type": "string"
      },
      "Source": {
        "type": "string"
      },
      "Type": {
        "allOf": [
          {
            "$ref": "MountType"
          }
        ]
      },
      "ReadOnly": {
        "type": "boolean"
      },
      "Consistency": {
        "type": "string"
      },
      "BindOptions": {
        "type": "object",
        "properties": {
          "Propagation": {
            "type": "string",
            "enum": [
              "private",
              "rprivate",
              "shared",
              "rshared",
              "slave",
              "rslave"
            ]
          },
          "NonRecursive": {
            "type": "boolean"
          },
          "CreateMountpoint": {
            "type": "boolean"
          },
          "ReadOnlyNonRecursive": {
            "type": "boolean"
          },
          "ReadOnlyForceRecursive": {
            "type": "boolean"
          }
        }
      },
      "VolumeOptions": {
        "type": "object",
        "properties": {
          "NoCopy": {
            "type": "boolean"
          },
          "Labels": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "DriverConfig": {
            "type": "object",
            "properties": {
              "Name": {
                "type": "string"
              },
              "Options": {
                "type": "object",
                "additionalProperties": {
                  "type": "string"
                }
              }
            }
          },
          "Subpath": {
            "type": "string"
          }
        }
      },
      "ImageOptions": {
        "type": "object",
        "properties": {
          "Subpath": {
            "type": "string"
          }
        }
      },
      "TmpfsOptions": {
        "type": "object",
        "properties": {
          "SizeBytes": {
            "type": "integer"
          },
          "Mode": {
            "type": "integer"
          },
          "Options": {
            "type": "array",
            "items": {
              "type": "array",
              "items": {
                "type": "string"
              }
            }
          }
        }
      }
    }
  },
  "RestartPolicy": {
    "type": "object",
    "properties": {
      "Name": {
        "type": "string",
        "enum": [
          "",
          "no",
          "always",
          "unless-stopped",
          "on-failure"
        ]
      },
      "MaximumRetryCount": {
        "type": "integer"
      }
    }
  },
  "Resources": {
    "type": "object",
    "properties": {
      "CpuShares": {
        "type": "integer"
      },
      "Memory": {
        "type": "integer"
      },
      "CgroupParent": {
        "type": "string"
      },
      "BlkioWeight": {
        "type": "integer"
      },
      "BlkioWeightDevice": {
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "Path": {
              "type": "string"
            },
            "Weight": {
              "type": "integer"
            }
          }
        }
      },
      "BlkioDeviceReadBps": {
        "type": "array",
        "items": {
          "$ref": "ThrottleDevice"
        }
      },
      "BlkioDeviceWriteBps": {
        "type": "array",
        "items": {
          "$ref": "ThrottleDevice"
        }
      },
      "BlkioDeviceReadIOps": {
        "type": "array",
        "items": {
          "$ref": "ThrottleDevice"
        }
      },
      "BlkioDeviceWriteIOps": {
        "type": "array",
        "items": {
          "$ref": "ThrottleDevice"
        }
      },
      "CpuPeriod": {
        "type": "integer"
      },
      "CpuQuota": {
        "type": "integer"
      },
      "CpuRealtimePeriod": {
        "type": "integer"
      },
      "CpuRealtimeRuntime": {
        "type": "integer"
      },
      "CpusetCpus": {
        "type": "string"
      },
      "CpusetMems": {
        "type": "string"
      },
      "Devices": {
        "type": "array",
        "items": {
          "$ref": "DeviceMapping"
        }
      },
      "DeviceCgroupRules": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "DeviceRequests": {
        "type": "array",
        "items": {
          "$ref": "DeviceRequest"
        }
      },
      "MemoryReservation": {
        "type": "integer"
      },
      "MemorySwap": {
        "type": "integer"
      },
      "MemorySwappiness": {
        "type": "integer"
      },
      "NanoCpus": {
        "type": "integer"
      },
      "OomKillDisable": {
        "type": "boolean"
      },
      "Init": {
        "type": "boolean"
      },
      "PidsLimit": {
        "type": "integer"
      },
      "Ulimits": {
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "Name": {
              "type": "string"
            },
            "Soft": {
              "type": "integer"
            },
            "Hard": {
              "type": "integer"
            }
          }
        }
      },
      "CpuCount": {
        "type": "integer"
      },
      "CpuPercent": {
        "type": "integer"
      },
      "IOMaximumIOps": {
        "type": "integer"
      },
      "IOMaximumBandwidth": {
        "type": "integer"
      }
    }
  },
  "Limit": {
    "type": "object",
    "properties": {
      "NanoCPUs": {
        "type": "integer"
      },
      "MemoryBytes": {
        "type": "integer"
      },
      "Pids": {
        "type": "integer"
      }
    }
  },
  "ResourceObject": {
    "type": "object",
    "properties": {
      "NanoCPUs": {
        "type": "integer"
      },
      "MemoryBytes": {
        "type": "integer"
      },
      "GenericResources": {
        "$ref": "GenericResources"
      }
    }
  },
  "GenericResources": {
    "type": "array",
    "items": {
      "type": "object",
      "properties": {
        "NamedResourceSpec": {
          "type": "object",
          "properties": {
            "Kind": {
              "type": "string"
            },
            "Value": {
              "type": "string"
            }
          }
        },
        "DiscreteResourceSpec": {
          "type": "object",
          "properties": {
            "Kind": {
              "type": "string"
            },
            "Value": {
              "type": "integer"
            }
          }
        }
      }
    }
  },
  "HealthConfig": {
    "type": "object",
    "properties": {
      "Test": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "Interval": {
        "type": "integer"
      },
      "Timeout": {
        "type": "integer"
      },
      "Retries": {
        "type": "integer"
      },
      "StartPeriod": {
        "type": "integer"
      },
      "StartInterval": {
        "type": "integer"
      }
    }
  },
  "HostConfig": {
    "allOf": [
      {
        "$ref": "Resources"
      },
      {
        "type": "object",
        "properties": {
          "Binds": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "ContainerIDFile": {
            "type": "string"
          },
          "LogConfig": {
            "type": "object",
            "properties": {
              "Type": {
                "type": "string",
                "enum": [
                  "local",
                  "json-file",
                  "syslog",
                  "journald",
                  "gelf",
                  "fluentd",
                  "awslogs",
                  "splunk",
                  "etwlogs",
                  "none"
                ]
              },
              "Config": {
                "type": "object",
                "additionalProperties": {
                  "type": "string"
                }
              }
            }
          },
          "NetworkMode": {
            "type": "string"
          },
          "PortBindings": {
            "$ref": "PortMap"
          },
          "RestartPolicy": {
            "$ref": "RestartPolicy"
          },
          "AutoRemove": {
            "type": "boolean"
          },
          "VolumeDriver": {
            "type": "string"
          },
          "VolumesFrom": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "Mounts": {
            "type": "array",
            "items": {
              "$ref": "Mount"
            }
          },
          "ConsoleSize": {
            "type": "array",
            "items": {
              "type": "integer"
            }
          },
          "Annotations": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "CapAdd": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "CapDrop": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "CgroupnsMode": {
            "type": "string",
            "enum": [
              "private",
              "host"
            ]
          },
          "Dns": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "DnsOptions": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "DnsSearch": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "ExtraHosts": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "GroupAdd": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "IpcMode": {
            "type": "string"
          },
          "Cgroup": {
            "type": "string"
          },
          "Links": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "OomScoreAdj": {
            "type": "integer"
          },
          "PidMode": {
            "type": "string"
          },
          "Privileged": {
            "type": "boolean"
          },
          "PublishAllPorts": {
            "type": "boolean"
          },
          "ReadonlyRootfs": {
            "type": "boolean"
          },
          "SecurityOpt": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "StorageOpt": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "Tmpfs": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "UTSMode": {
            "type": "string"
          },
          "UsernsMode": {
            "type": "string"
          },
          "ShmSize": {
            "type": "integer"
          },
          "Sysctls": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "Runtime": {
            "type": "string"
          },
          "Isolation": {
            "type": "string",
            "enum": [
              "default",
              "process",
              "hyperv",
              ""
            ]
          },
          "MaskedPaths": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "ReadonlyPaths": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        }
      }
    ]
  },
  "ContainerConfig": {
    "type": "object",
    "properties": {
      "Hostname": {
        "type": "string"
      },
      "Domainname": {
        "type": "string"
      },
      "User": {
        "type": "string"
      },
      "AttachStdin": {
        "type": "boolean"
      },
      "AttachStdout": {
        "type": "boolean"
      },
      "AttachStderr": {
        "type": "boolean"
      },
      "ExposedPorts": {
        "type": "object",
        "additionalProperties": {
          "type": "object",
          "enum": [
            {}
          ]
        }
      },
      "Tty": {
        "type": "boolean"
      },
      "OpenStdin": {
        "type": "boolean"
      },
      "StdinOnce": {
        "type": "boolean"
      },
      "Env": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "Cmd": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "Healthcheck": {
        "$ref": "HealthConfig"
      },
      "ArgsEscaped": {
        "type": "boolean"
      },
      "Image": {
        "type": "string"
      },
      "Volumes": {
        "type": "object",
        "additionalProperties": {
          "type": "object",
          "enum": [
            {}
          ]
        }
      },
      "WorkingDir": {
        "type": "string"
      },
      "Entrypoint": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "NetworkDisabled": {
        "type": "boolean"
      },
      "OnBuild": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "Labels": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      },
      "StopSignal": {
        "type": "string"
      },
      "StopTimeout": {
        "type": "integer"
      },
      "Shell": {
        "type": "array",
        "items": {
          "type": "string"
        }
      }
    }
  },
  "NetworkingConfig": {
    "type": "object",
    "properties": {
      "EndpointsConfig": {
        "type": "object",
        "additionalProperties": {
          "$ref": "EndpointSettings"
        }
      }
    }
  },
  "PortMap": {
    "type": "object",
    "additionalProperties": {
      "type": "array",
      "items": {
        "$ref": "PortBinding"
      }
    }
  },
  "PortBinding": {
    "type": "object",
    "properties": {
      "HostIp": {
        "type": "string"
      },
      "HostPort": {
        "type": "string"
      }
    }
  },
  "AuthConfig": {
    "type": "object",
    "properties": {
      "username": {
        "type": "string"
      },
      "password": {
        "type": "string"
      },
      "serveraddress": {
        "type": "string"
      }
    }
  },
  "VolumeCreateRequest": {
    "type": "object",
    "properties": {
      "Name": {
        "type": "string"
      },
      "Driver": {
        "type": "string"
      },
      "DriverOpts": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      },
      "Labels": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      },
      "ClusterVolumeSpec": {
        "$ref": "ClusterVolumeSpec"
      }
    }
  },
  "ConfigReference": {
    "type": "object",
    "properties": {
      "Network": {
        "type": "string"
      }
    }
  },
  "IPAM": {
    "type": "object",
    "properties": {
      "Driver": {
        "type": "string"
      },
      "Config": {
        "type": "array",
        "items": {
          "$ref": "IPAMConfig"
        }
      },
      "Options": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      }
    }
  },
  "IPAMConfig": {
    "type": "object",
    "properties": {
      "Subnet": {
        "type": "string"
      },
      "IPRange": {
        "type": "string"
      },
      "Gateway": {
        "type": "string"
      },
      "AuxiliaryAddresses": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      }
    }
  },
  "NetworkConnectRequest": {
    "type": "object",
    "properties": {
      "Container": {
        "type": "string"
      },
      "EndpointConfig": {
        "$ref": "EndpointSettings"
      }
    }
  },
  "NetworkDisconnectRequest": {
    "type": "object",
    "properties": {
      "Container": {
        "type": "string"
      },
      "Force": {
        "type": "boolean"
      }
    }
  },
  "EndpointSettings": {
    "type": "object",
    "properties": {
      "IPAMConfig": {
        "$ref": "EndpointIPAMConfig"
      },
      "Links": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "MacAddress": {
        "type": "string"
      },
      "Aliases": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "DriverOpts": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      },
      "GwPriority": {
        "type": "integer"
      },
      "NetworkID": {
        "type": "string"
      },
      "EndpointID": {
        "type": "string"
      },
      "Gateway": {
        "type": "string"
      },
      "IPAddress": {
        "type": "string"
      },
      "IPPrefixLen": {
        "type": "integer"
      },
      "IPv6Gateway": {
        "type": "string"
      },
      "GlobalIPv6Address": {
        "type": "string"
      },
      "GlobalIPv6PrefixLen": {
        "type": "integer"
      },
      "DNSNames": {
        "type": "array",
        "items": {
          "type": "string"
        }
      }
    }
  },
  "EndpointIPAMConfig": {
    "type": "object",
    "properties": {
      "IPv4Address": {
        "type": "string"
      },
      "IPv6Address": {
        "type": "string"
      },
      "LinkLocalIPs": {
        "type": "array",
        "items": {
          "type": "string"
        }
      }
    }
  },
  "PluginPrivilege": {
    "type": "object",
    "properties": {
      "Name": {
        "type": "string"
      },
      "Description": {
        "type": "string"
      },
      "Value": {
        "type": "array",
        "items": {
          "type": "string"
        }
      }
    }
  },
  "NodeSpec": {
    "type": "object",
    "properties": {
      "Name": {
        "type": "string"
      },
      "Labels": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      },
      "Role": {
        "type": "string",
        "enum": [
          "worker",
          "manager"
        ]
      },
      "Availability": {
        "type": "string",
        "enum": [
          "active",
          "pause",
          "drain"
        ]
      }
    }
  },
  "Platform": {
    "type": "object",
    "properties": {
      "Architecture": {
        "type": "string"
      },
      "OS": {
        "type": "string"
      }
    }
  },
  "SwarmSpec": {
    "type": "object",
    "properties": {
      "Name": {
        "type": "string"
      },
      "Labels": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      },
      "Orchestration": {
        "type": "object",
        "properties": {
          "TaskHistoryRetentionLimit": {
            "type": "integer"
          }
        }
      },
      "Raft": {
        "type": "object",
        "properties": {
          "SnapshotInterval": {
            "type": "integer"
          },
          "KeepOldSnapshots": {
            "type": "integer"
          },
          "LogEntriesForSlowFollowers": {
            "type": "integer"
          },
          "ElectionTick": {
            "type": "integer"
          },
          "HeartbeatTick": {
            "type": "integer"
          }
        }
      },
      "Dispatcher": {
        "type": "object",
        "properties": {
          "HeartbeatPeriod": {
            "type": "integer"
          }
        }
      },
      "CAConfig": {
        "type": "object",
        "properties": {
          "NodeCertExpiry": {
            "type": "integer"
          },
          "ExternalCAs": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "Protocol": {
                  "type": "string",
                  "enum": [
                    "cfssl"
                  ]
                },
                "URL": {
                  "type": "string"
                },
                "Options": {
                  "type": "object",
                  "additionalProperties": {
                    "type": "string"
                  }
                },
                "CACert": {
                  "type": "string"
                }
              }
            }
          },
          "SigningCACert": {
            "type": "string"
          },
          "SigningCAKey": {
            "type": "string"
          },
          "ForceRotate": {
            "type": "integer"
          }
        }
      },
      "EncryptionConfig": {
        "type": "object",
        "properties": {
          "AutoLockManagers": {
            "type": "boolean"
          }
        }
      },
      "TaskDefaults": {
        "type": "object",
        "properties": {
          "LogDriver": {
            "type": "object",
            "properties": {
              "Name": {
                "type": "string"
              },
              "Options": {
                "type": "object",
                "additionalProperties": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    }
  },
  "TaskSpec": {
    "type": "object",
    "properties": {
      "PluginSpec": {
        "type": "object",
        "properties": {
          "Name": {
            "type": "string"
          },
          "Remote": {
            "type": "string"
          },
          "Disabled": {
            "type": "boolean"
          },
          "PluginPrivilege": {
            "type": "array",
            "items": {
              "$ref": "PluginPrivilege"
            }
          }
        }
      },
      "ContainerSpec": {
        "type": "object",
        "properties": {
          "Image": {
            "type": "string"
          },
          "Labels": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "Command": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "Args": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "Hostname": {
            "type": "string"
          },
          "Env": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "Dir": {
            "type": "string"
          },
          "User": {
            "type": "string"
          },
          "Groups": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "Privileges": {
            "type": "object",
            "properties": {
              "CredentialSpec": {
                "type": "object",
                "properties": {
                  "Config": {
                    "type": "string"
                  },
                  "File": {
                    "type": "string"
                  },
                  "Registry": {
                    "type": "string"
                  }
                }
              },
              "SELinuxContext": {
                "type": "object",
                "properties": {
                  "Disable": {
                    "type": "boolean"
                  },
                  "User": {
                    "type": "string"
                  },
                  "Role": {
                    "type": "string"
                  },
                  "Type": {
                    "type": "string"
                  },
                  "Level": {
                    "type": "string"
                  }
                }
              },
              "Seccomp": {
                "type": "object",
                "properties": {
                  "Mode": {
                    "type": "string",
                    "enum": [
                      "default",
                      "unconfined",
                      "custom"
                    ]
                  },
                  "Profile": {
                    "type": "string"
                  }
                }
              },
              "AppArmor": {
                "type": "object",
                "properties": {
                  "Mode": {
                    "type": "string",
                    "enum": [
                      "default",
                      "disabled"
                    ]
                  }
                }
              },
              "NoNewPrivileges": {
                "type": "boolean"
              }
            }
          },
          "TTY": {
            "type": "boolean"
          },
          "OpenStdin": {
            "type": "boolean"
          },
          "ReadOnly": {
            "type": "boolean"
          },
          "Mounts": {
            "type": "array",
            "items": {
              "$ref": "Mount"
            }
          },
          "StopSignal": {
            "type": "string"
          },
          "StopGracePeriod": {
            "type": "integer"
          },
          "HealthCheck": {
            "$ref": "HealthConfig"
          },
          "Hosts": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "DNSConfig": {
            "type": "object",
            "properties": {
              "Nameservers": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "Search": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "Options": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              }
            }
          },
          "Secrets": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "File": {
                  "type": "object",
                  "properties": {
                    "Name": {
                      "type": "string"
                    },
                    "UID": {
                      "type": "string"
                    },
                    "GID": {
                      "type": "string"
                    },
                    "Mode": {
                      "type": "integer"
                    }
                  }
                },
                "SecretID": {
                  "type": "string"
                },
                "SecretName": {
                  "type": "string"
                }
              }
            }
          },
          "OomScoreAdj": {
            "type": "integer"
          },
          "Configs": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "File": {
                  "type": "object",
                  "properties": {
                    "Name": {
                      "type": "string"
                    },
                    "UID": {
                      "type": "string"
                    },
                    "GID": {
                      "type": "string"
                    },
                    "Mode": {
                      "type": "integer"
                    }
                  }
                },
                "Runtime": {
                  "type": "object"
                },
                "ConfigID": {
                  "type": "string"
                },
                "ConfigName": {
                  "type": "string"
                }
              }
            }
          },
          "Isolation": {
            "type": "string",
            "enum": [
              "default",
              "process",
              "hyperv",
              ""
            ]
          },
          "Init": {
            "type": "boolean"
          },
          "Sysctls": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "CapabilityAdd": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "CapabilityDrop": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "Ulimits": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "Name": {
                  "type": "string"
                },
                "Soft": {
                  "type": "integer"
                },
                "Hard": {
                  "type": "integer"
                }
              }
            }
          }
        }
      },
      "NetworkAttachmentSpec": {
        "type": "object",
        "properties": {
          "ContainerID": {
            "type": "string"
          }
        }
      },
      "Resources": {
        "type": "object",
        "properties": {
          "Limits": {
            "$ref": "Limit"
          },
          "Reservations": {
            "$ref": "ResourceObject"
          },
          "SwapBytes": {
            "type": "integer"
          },
          "MemorySwappiness": {
            "type": "integer"
          }
        }
      },
      "RestartPolicy": {
        "type": "object",
        "properties": {
          "Condition": {
            "type": "string",
            "enum": [
              "none",
              "on-failure",
              "any"
            ]
          },
          "Delay": {
            "type": "integer"
          },
          "MaxAttempts": {
            "type": "integer"
          },
          "Window": {
            "type": "integer"
          }
        }
      },
      "Placement": {
        "type": "object",
        "properties": {
          "Constraints": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "Preferences": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "Spread": {
                  "type": "object",
                  "properties": {
                    "SpreadDescriptor": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "MaxReplicas": {
            "type": "integer"
          },
          "Platforms": {
            "type": "array",
            "items": {
              "$ref": "Platform"
            }
          }
        }
      },
      "ForceUpdate": {
        "type": "integer"
      },
      "Runtime": {
        "type": "string"
      },
      "Networks": {
        "type": "array",
        "items": {
          "$ref": "NetworkAttachmentConfig"
        }
      },
      "LogDriver": {
        "type": "object",
        "properties": {
          "Name": {
            "type": "string"
          },
          "Options": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          }
        }
      }
    }
  },
  "ServiceSpec": {
    "type": "object",
    "properties": {
      "Name": {
        "type": "string"
      },
      "Labels": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      },
      "TaskTemplate": {
        "$ref": "TaskSpec"
      },
      "Mode": {
        "type": "object",
        "properties": {
          "Replicated": {
            "type": "object",
            "properties": {
              "Replicas": {
                "type": "integer"
              }
            }
          },
          "Global": {
            "type": "object"
          },
          "ReplicatedJob": {
            "type": "object",
            "properties": {
              "MaxConcurrent": {
                "type": "integer"
              },
              "TotalCompletions": {
                "type": "integer"
              }
            }
          },
          "GlobalJob": {
            "type": "object"
          }
        }
      },
      "UpdateConfig": {
        "type": "object",
        "properties": {
          "Parallelism": {
            "type": "integer"
          },
          "Delay": {
            "type": "integer"
          },
          "FailureAction": {
            "type": "string",
            "enum": [
              "continue",
              "pause",
              "rollback"
            ]
          },
          "Monitor": {
            "type": "integer"
          },
          "MaxFailureRatio": {
            "type": "number"
          },
          "Order": {
            "type": "string",
            "enum": [
              "stop-first",
              "start-first"
            ]
          }
        }
      },
      "RollbackConfig": {
        "type": "object",
        "properties": {
          "Parallelism": {
            "type": "integer"
          },
          "Delay": {
            "type": "integer"
          },
          "FailureAction": {
            "type": "string",
            "enum": [
              "continue",
              "pause"
            ]
          },
          "Monitor": {
            "type": "integer"
          },
          "MaxFailureRatio": {
            "type": "number"
          },
          "Order": {
            "type": "string",
            "enum": [
              "stop-first",
              "start-first"
            ]
          }
        }
      },
      "Networks": {
        "type": "array",
        "items": {
          "$ref": "NetworkAttachmentConfig"
        }
      },
      "EndpointSpec": {
        "$ref": "EndpointSpec"
      }
    }
  },
  "EndpointPortConfig": {
    "type": "object",
    "properties": {
      "Name": {
        "type": "string"
      },
      "Protocol": {
        "type": "string",
        "enum": [
          "tcp",
          "udp",
          "sctp"
        ]
      },
      "TargetPort": {
        "type": "integer"
      },
      "PublishedPort": {
        "type": "integer"
      },
      "PublishMode": {
        "type": "string",
        "enum": [
          "ingress",
          "host"
        ]
      }
    }
  },
  "EndpointSpec": {
    "type": "object",
    "properties": {
      "Mode": {
        "type": "string",
        "enum": [
          "vip",
          "dnsrr"
        ]
      },
      "Ports": {
        "type": "array",
        "items": {
          "$ref": "EndpointPortConfig"
        }
      }
    }
  },
  "Driver": {
    "type": "object",
    "properties": {
      "Name": {
        "type": "string"
      },
      "Options": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      }
    }
  },
  "SecretSpec": {
    "type": "object",
    "properties": {
      "Name": {
        "type": "string"
      },
      "Labels": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      },
      "Data": {
        "type": "string"
      },
      "Driver": {
        "$ref": "Driver"
      },
      "Templating": {
        "$ref": "Driver"
      }
    }
  },
  "ConfigSpec": {
    "type": "object",
    "properties": {
      "Name": {
        "type": "string"
      },
      "Labels": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      },
      "Data": {
        "type": "string"
      },
      "Templating": {
        "$ref": "Driver"
      }
    }
  },
  "NetworkAttachmentConfig": {
    "type": "object",
    "properties": {
      "Target": {
        "type": "string"
      },
      "Aliases": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "DriverOpts": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      }
    }
  },
  "ClusterVolumeSpec": {
    "type": "object",
    "properties": {
      "Group": {
        "type": "string"
      },
      "AccessMode": {
        "type": "object",
        "properties": {
          "Scope": {
            "type": "string",
            "enum": [
              "single",
              "multi"
            ]
          },
          "Sharing": {
            "type": "string",
            "enum": [
              "none",
              "readonly",
              "onewriter",
              "all"
            ]
          },
          "MountVolume": {
            "type": "object"
          },
          "Secrets": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "Key": {
                  "type": "string"
                },
                "Secret": {
                  "type": "string"
                }
              }
            }
          },
          "AccessibilityRequirements": {
            "type": "object",
            "properties": {
              "Requisite": {
                "type": "array",
                "items": {
                  "$ref": "Topology"
                }
              },
              "Preferred": {
                "type": "array",
                "items": {
                  "$ref": "Topology"
                }
              }
            }
          },
          "CapacityRange": {
            "type": "object",
            "properties": {
              "RequiredBytes": {
                "type": "integer"
              },
              "LimitBytes": {
                "type": "integer"
              }
            }
          },
          "Availability": {
            "type": "string",
            "enum": [
              "active",
              "pause",
              "drain"
            ]
          }
        }
      }
    }
  },
  "Topology": {
    "type": "object",
    "properties": {
      "Segments": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      }
    }
  }
};

/** Each JSON request body's schema by its operation ID. */
export const REQUEST_BODY_SCHEMAS: { [operationId: string]: ApiSchema } = {
  "ContainerCreate": {
    "allOf": [
      {
        "$ref": "ContainerConfig"
      },
      {
        "type": "object",
        "properties": {
          "HostConfig": {
            "$ref": "HostConfig"
          },
          "NetworkingConfig": {
            "$ref": "NetworkingConfig"
          }
        }
      }
    ]
  },
  "ContainerUpdate": {
    "allOf": [
      {
        "$ref": "Resources"
      },
      {
        "type": "object",
        "properties": {
          "RestartPolicy": {
            "$ref": "RestartPolicy"
          }
        }
      }
    ]
  },
  "SystemAuth": {
    "$ref": "AuthConfig"
  },
  "ImageCommit": {
    "$ref": "ContainerConfig"
  },
  "ContainerExec": {
    "type": "object",
    "properties": {
      "AttachStdin": {
        "type": "boolean"
      },
      "AttachStdout": {
        "type": "boolean"
      },
      "AttachStderr": {
        "type": "boolean"
      },
      "ConsoleSize": {
        "type": "array",
        "items": {
          "type": "integer"
        }
      },
      "DetachKeys": {
        "type": "string"
      },
      "Tty": {
        "type": "boolean"
      },
      "Env": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "Cmd": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "Privileged": {
        "type": "boolean"
      },
      "User": {
        "type": "string"
      },
      "WorkingDir": {
        "type": "string"
      }
    }
  },
  "ExecStart": {
    "type": "object",
    "properties": {
      "Detach": {
        "type": "boolean"
      },
      "Tty": {
        "type": "boolean"
      },
      "ConsoleSize": {
        "type": "array",
        "items": {
          "type": "integer"
        }
      }
    }
  },
  "VolumeCreate": {
    "$ref": "VolumeCreateRequest"
  },
  "VolumeUpdate": {
    "type": "object",
    "properties": {
      "Spec": {
        "$ref": "ClusterVolumeSpec"
      }
    }
  },
  "NetworkCreate": {
    "type": "object",
    "properties": {
      "Name": {
        "type": "string"
      },
      "Driver": {
        "type": "string"
      },
      "Scope": {
        "type": "string"
      },
      "Internal": {
        "type": "boolean"
      },
      "Attachable": {
        "type": "boolean"
      },
      "Ingress": {
        "type": "boolean"
      },
      "ConfigOnly": {
        "type": "boolean"
      },
      "ConfigFrom": {
        "$ref": "ConfigReference"
      },
      "IPAM": {
        "$ref": "IPAM"
      },
      "EnableIPv4": {
        "type": "boolean"
      },
      "EnableIPv6": {
        "type": "boolean"
      },
      "Options": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      },
      "Labels": {
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      }
    }
  },
  "NetworkConnect": {
    "$ref": "NetworkConnectRequest"
  },
  "NetworkDisconnect": {
    "$ref": "NetworkDisconnectRequest"
  },
  "PluginPull": {
    "type": "array",
    "items": {
      "$ref": "PluginPrivilege"
    }
  },
  "PluginUpgrade": {
    "type": "array",
    "items": {
      "$ref": "PluginPrivilege"
    }
  },
  "PluginSet": {
    "type": "array",
    "items": {
      "type": "string"
    }
  },
  "NodeUpdate": {
    "$ref": "NodeSpec"
  },
  "SwarmInit": {
    "type": "object",
    "properties": {
      "ListenAddr": {
        "type": "string"
      },
      "AdvertiseAddr": {
        "type": "string"
      },
      "DataPathAddr": {
        "type": "string"
      },
      "DataPathPort": {
        "type": "integer"
      },
      "DefaultAddrPool": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "ForceNewCluster": {
        "type": "boolean"
      },
      "SubnetSize": {
        "type": "integer"
      },
      "Spec": {
        "$ref": "SwarmSpec"
      }
    }
  },
  "SwarmJoin": {
    "type": "object",
    "properties": {
      "ListenAddr": {
        "type": "string"
      },
      "AdvertiseAddr": {
        "type": "string"
      },
      "DataPathAddr": {
        "type": "string"
      },
      "RemoteAddrs": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "JoinToken": {
        "type": "string"
      }
    }
  },
  "SwarmUpdate": {
    "$ref": "SwarmSpec"
  },
  "SwarmUnlock": {
    "type": "object",
    "properties": {
      "UnlockKey": {
        "type": "string"
      }
    }
  },
  "ServiceCreate": {
    "allOf": [
      {
        "$ref": "ServiceSpec"
      },
      {
        "type": "object"
      }
    ]
  },
  "ServiceUpdate": {
    "allOf": [
      {
        "$ref": "ServiceSpec"
      },
      {
        "type": "object"
      }
    ]
  },
  "SecretCreate": {
    "allOf": [
      {
        "$ref": "SecretSpec"
      },
      {
        "type": "object"
      }
    ]
  },
  "SecretUpdate": {
    "$ref": "SecretSpec"
  },
  "ConfigCreate": {
    "allOf": [
      {
        "$ref": "ConfigSpec"
      },
      {
        "type": "object"
      }
    ]
  },
  "ConfigUpdate": {
    "$ref": "ConfigSpec"
  }
};
