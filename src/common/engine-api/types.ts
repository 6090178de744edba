/**
 * Types of the Docker Engine API 1.55, generated from shared/specs/docker-engine-api/swagger-v1.55.yaml by
 * scripts/gen-api-types.mjs. Do not edit: change the generator or the swagger and re-run it.
 */
/* eslint-disable */

/** individual image layer information in response to ImageHistory operation */
export interface ImageHistoryResponseItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[];
  Size: number;
  Comment: string;
}

/** Describes a port-mapping between the container and the host. */
export interface PortSummary {
  /** Host IP address that the container's port is mapped to */
  IP?: string;
  /** Port on the container */
  PrivatePort: number;
  /** Port exposed on the host */
  PublicPort?: number;
  Type: "tcp" | "udp" | "sctp";
}

/**
 * The mount type. Available types:
 *
 * - `bind` a mount of a file or directory from the host into the container.
 * - `cluster` a Swarm cluster volume.
 * - `image` an OCI image.
 * - `npipe` a named pipe from the host into the container.
 * - `tmpfs` a `tmpfs`.
 * - `volume` a docker volume with the given `Name`.
 */
export type MountType = "bind" | "cluster" | "image" | "npipe" | "tmpfs" | "volume";

/**
 * MountPoint represents a mount point configuration inside the container.
 * This is used for reporting the mountpoints in use by a container.
 */
export interface MountPoint {
  /**
   * The mount type:
   *
   * - `bind` a mount of a file or directory from the host into the container.
   * - `cluster` a Swarm cluster volume.
   * - `image` an OCI image.
   * - `npipe` a named pipe from the host into the container.
   * - `tmpfs` a `tmpfs`.
   * - `volume` a docker volume with the given `Name`.
   */
  Type?: MountType;
  /**
   * Name is the name reference to the underlying data defined by `Source`
   * e.g., the volume name.
   */
  Name?: string;
  /**
   * Source location of the mount.
   *
   * For volumes, this contains the storage location of the volume (within
   * `/var/lib/docker/volumes/`). For bind-mounts, and `npipe`, this contains
   * the source (host) part of the bind-mount. For `tmpfs` mount points, this
   * field is empty.
   */
  Source?: string;
  /**
   * Destination is the path relative to the container root (`/`) where
   * the `Source` is mounted inside the container.
   */
  Destination?: string;
  /** Driver is the volume driver used to create the volume (if it is a volume). */
  Driver?: string;
  /**
   * Mode is a comma separated list of options supplied by the user when
   * creating the bind/volume mount.
   *
   * The default is platform-specific (`"z"` on Linux, empty on Windows).
   */
  Mode?: string;
  /** Whether the mount is mounted writable (read-write). */
  RW?: boolean;
  /**
   * Propagation describes how mounts are propagated from the host into the
   * mount point, and vice-versa. Refer to the [Linux kernel documentation](https://www.kernel.org/doc/Documentation/filesystems/sharedsubtree.txt)
   * for details. This field is not used on Windows.
   */
  Propagation?: string;
}

/** A device mapping between the host and container */
export interface DeviceMapping {
  PathOnHost?: string;
  PathInContainer?: string;
  CgroupPermissions?: string;
}

/** A request for devices to be sent to device drivers */
export interface DeviceRequest {
  /**
   * The name of the device driver to use for this request.
   *
   * Note that if this is specified the capabilities are ignored when
   * selecting a device driver.
   */
  Driver?: string;
  Count?: number;
  DeviceIDs?: string[];
  /**
   * A list of capabilities; an OR list of AND lists of capabilities.
   *
   * Note that if a driver is specified the capabilities have no effect on
   * selecting a driver as the driver name is used directly.
   *
   * Note that if no driver is specified the capabilities are used to
   * select a driver with the required capabilities.
   */
  Capabilities?: string[][];
  /**
   * Driver-specific options, specified as a key/value pairs. These options
   * are passed directly to the driver.
   */
  Options?: { [key: string]: string };
}

export interface ThrottleDevice {
  /** Device path */
  Path?: string;
  /** Rate */
  Rate?: number;
}

export interface Mount {
  /** Container path. */
  Target?: string;
  /**
   * Mount source (e.g. a volume name, a host path). The source cannot be
   * specified when using `Type=tmpfs`. For `Type=bind`, the source path
   * must either exist, or the `CreateMountpoint` must be set to `true` to
   * create the source path on the host if missing.
   *
   * For `Type=npipe`, the pipe must exist prior to creating the container.
   */
  Source?: string;
  /**
   * The mount type. Available types:
   *
   * - `bind` Mounts a file or directory from the host into the container. The `Source` must exist prior to creating the container.
   * - `cluster` a Swarm cluster volume
   * - `image` Mounts an image.
   * - `npipe` Mounts a named pipe from the host into the container. The `Source` must exist prior to creating the container.
   * - `tmpfs` Create a tmpfs with the given options. The mount `Source` cannot be specified for tmpfs.
   * - `volume` Creates a volume with the given name and options (or uses a pre-existing volume with the same name and options). These are **not** removed when the container is removed.
   */
  Type?: MountType;
  /** Whether the mount should be read-only. */
  ReadOnly?: boolean;
  /** The consistency requirement for the mount: `default`, `consistent`, `cached`, or `delegated`. */
  Consistency?: string;
  /** Optional configuration for the `bind` type. */
  BindOptions?: {
    /** A propagation mode with the value `[r]private`, `[r]shared`, or `[r]slave`. */
    Propagation?: "private" | "rprivate" | "shared" | "rshared" | "slave" | "rslave";
    /** Disable recursive bind mount. */
    NonRecursive?: boolean;
    /** Create mount point on host if missing */
    CreateMountpoint?: boolean;
    /**
     * Make the mount non-recursively read-only, but still leave the mount recursive
     * (unless NonRecursive is set to `true` in conjunction).
     *
     * Added in v1.44, before that version all read-only mounts were
     * non-recursive by default. To match the previous behaviour this
     * will default to `true` for clients on versions prior to v1.44.
     */
    ReadOnlyNonRecursive?: boolean;
    /** Raise an error if the mount cannot be made recursively read-only. */
    ReadOnlyForceRecursive?: boolean;
  };
  /** Optional configuration for the `volume` type. */
  VolumeOptions?: {
    /** Populate volume with data from the target. */
    NoCopy?: boolean;
    /** User-defined key/value metadata. */
    Labels?: { [key: string]: string };
    /** Map of driver specific options */
    DriverConfig?: {
      /** Name of the driver to use to create the volume. */
      Name?: string;
      /** key/value map of driver specific options. */
      Options?: { [key: string]: string };
    };
    /** Source path inside the volume. Must be relative without any back traversals. */
    Subpath?: string;
  };
  /** Optional configuration for the `image` type. */
  ImageOptions?: {
    /** Source path inside the image. Must be relative without any back traversals. */
    Subpath?: string;
  };
  /** Optional configuration for the `tmpfs` type. */
  TmpfsOptions?: {
    /** The size for the tmpfs mount in bytes. */
    SizeBytes?: number;
    /**
     * The permission mode for the tmpfs mount in an integer.
     * The value must not be in octal format (e.g. 755) but rather
     * the decimal representation of the octal value (e.g. 493).
     */
    Mode?: number;
    /**
     * The options to be passed to the tmpfs mount. An array of arrays.
     * Flag options should be provided as 1-length arrays. Other types
     * should be provided as as 2-length arrays, where the first item is
     * the key and the second the value.
     */
    Options?: string[][];
  };
}

/**
 * The behavior to apply when the container exits. The default is not to
 * restart.
 *
 * An ever increasing delay (double the previous delay, starting at 100ms) is
 * added before each restart to prevent flooding the server.
 */
export interface RestartPolicy {
  /**
   * - Empty string means not to restart
   * - `no` Do not automatically restart
   * - `always` Always restart
   * - `unless-stopped` Restart always except when the user has manually stopped the container
   * - `on-failure` Restart only when the container exit code is non-zero
   */
  Name?: "" | "no" | "always" | "unless-stopped" | "on-failure";
  /** If `on-failure` is used, the number of times to retry before giving up. */
  MaximumRetryCount?: number;
}

/** A container's resources (cgroups config, ulimits, etc) */
export interface Resources {
  /**
   * An integer value representing this container's relative CPU weight
   * versus other containers.
   */
  CpuShares?: number;
  /** Memory limit in bytes. */
  Memory?: number;
  /**
   * Path to `cgroups` under which the container's `cgroup` is created. If
   * the path is not absolute, the path is considered to be relative to the
   * `cgroups` path of the init process. Cgroups are created if they do not
   * already exist.
   */
  CgroupParent?: string;
  /** Block IO weight (relative weight). */
  BlkioWeight?: number;
  /**
   * Block IO weight (relative device weight) in the form:
   *
   * ```
   * [{"Path": "device_path", "Weight": weight}]
   * ```
   */
  BlkioWeightDevice?: {
    Path?: string;
    Weight?: number;
  }[];
  /**
   * Limit read rate (bytes per second) from a device, in the form:
   *
   * ```
   * [{"Path": "device_path", "Rate": rate}]
   * ```
   */
  BlkioDeviceReadBps?: ThrottleDevice[];
  /**
   * Limit write rate (bytes per second) to a device, in the form:
   *
   * ```
   * [{"Path": "device_path", "Rate": rate}]
   * ```
   */
  BlkioDeviceWriteBps?: ThrottleDevice[];
  /**
   * Limit read rate (IO per second) from a device, in the form:
   *
   * ```
   * [{"Path": "device_path", "Rate": rate}]
   * ```
   */
  BlkioDeviceReadIOps?: ThrottleDevice[];
  /**
   * Limit write rate (IO per second) to a device, in the form:
   *
   * ```
   * [{"Path": "device_path", "Rate": rate}]
   * ```
   */
  BlkioDeviceWriteIOps?: ThrottleDevice[];
  /** The length of a CPU period in microseconds. */
  CpuPeriod?: number;
  /** Microseconds of CPU time that the container can get in a CPU period. */
  CpuQuota?: number;
  /**
   * The length of a CPU real-time period in microseconds. Set to 0 to
   * allocate no time allocated to real-time tasks.
   */
  CpuRealtimePeriod?: number;
  /**
   * The length of a CPU real-time runtime in microseconds. Set to 0 to
   * allocate no time allocated to real-time tasks.
   */
  CpuRealtimeRuntime?: number;
  /** CPUs in which to allow execution (e.g., `0-3`, `0,1`). */
  CpusetCpus?: string;
  /**
   * Memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only
   * effective on NUMA systems.
   */
  CpusetMems?: string;
  /** A list of devices to add to the container. */
  Devices?: DeviceMapping[];
  /** a list of cgroup rules to apply to the container */
  DeviceCgroupRules?: string[];
  /** A list of requests for devices to be sent to device drivers. */
  DeviceRequests?: DeviceRequest[];
  /** Memory soft limit in bytes. */
  MemoryReservation?: number;
  /**
   * Total memory limit (memory + swap). Set as `-1` to enable unlimited
   * swap.
   */
  MemorySwap?: number;
  /**
   * Tune a container's memory swappiness behavior. Accepts an integer
   * between 0 and 100.
   */
  MemorySwappiness?: number;
  /** CPU quota in units of 10<sup>-9</sup> CPUs. */
  NanoCpus?: number;
  /** Disable OOM Killer for the container. */
  OomKillDisable?: boolean;
  /**
   * Run an init inside the container that forwards signals and reaps
   * processes. This field is omitted if empty, and the default (as
   * configured on the daemon) is used.
   */
  Init?: boolean | null;
  /**
   * Tune a container's PIDs limit. Set `0` or `-1` for unlimited, or `null`
   * to not change.
   */
  PidsLimit?: number | null;
  /**
   * A list of resource limits to set in the container. For example:
   *
   * ```
   * {"Name": "nofile", "Soft": 1024, "Hard": 2048}
   * ```
   */
  Ulimits?: {
    /** Name of ulimit */
    Name?: string;
    /** Soft limit */
    Soft?: number;
    /** Hard limit */
    Hard?: number;
  }[];
  /**
   * The number of usable CPUs (Windows only).
   *
   * On Windows Server containers, the processor resource controls are
   * mutually exclusive. The order of precedence is `CPUCount` first, then
   * `CPUShares`, and `CPUPercent` last.
   */
  CpuCount?: number;
  /**
   * The usable percentage of the available CPUs (Windows only).
   *
   * On Windows Server containers, the processor resource controls are
   * mutually exclusive. The order of precedence is `CPUCount` first, then
   * `CPUShares`, and `CPUPercent` last.
   */
  CpuPercent?: number;
  /** Maximum IOps for the container system drive (Windows only) */
  IOMaximumIOps?: number;
  /**
   * Maximum IO in bytes per second for the container system drive
   * (Windows only).
   */
  IOMaximumBandwidth?: number;
}

/** An object describing a limit on resources which can be requested by a task. */
export interface Limit {
  NanoCPUs?: number;
  MemoryBytes?: number;
  /** Limits the maximum number of PIDs in the container. Set `0` for unlimited. */
  Pids?: number;
}

/**
 * An object describing the resources which can be advertised by a node and
 * requested by a task.
 */
export interface ResourceObject {
  NanoCPUs?: number;
  MemoryBytes?: number;
  GenericResources?: GenericResources;
}

/**
 * User-defined resources can be either Integer resources (e.g, `SSD=3`) or
 * String resources (e.g, `GPU=UUID1`).
 */
export type GenericResources = {
  NamedResourceSpec?: {
    Kind?: string;
    Value?: string;
  };
  DiscreteResourceSpec?: {
    Kind?: string;
    Value?: number;
  };
}[];

/**
 * A test to perform to check that the container is healthy.
 * Healthcheck commands should be side-effect free.
 */
export interface HealthConfig {
  /**
   * The test to perform. Possible values are:
   *
   * - `[]` inherit healthcheck from image or parent image
   * - `["NONE"]` disable healthcheck
   * - `["CMD", args...]` exec arguments directly
   * - `["CMD-SHELL", command]` run command with system's default shell
   *
   * A non-zero exit code indicates a failed healthcheck:
   * - `0` healthy
   * - `1` unhealthy
   * - `2` reserved (treated as unhealthy)
   * - other values: error running probe
   */
  Test?: string[];
  /**
   * The time to wait between checks in nanoseconds. It should be 0 or at
   * least 1000000 (1 ms). 0 means inherit.
   */
  Interval?: number;
  /**
   * The time to wait before considering the check to have hung. It should
   * be 0 or at least 1000000 (1 ms). 0 means inherit.
   *
   * If the health check command does not complete within this timeout,
   * the check is considered failed and the health check process is
   * forcibly terminated without a graceful shutdown.
   */
  Timeout?: number;
  /**
   * The number of consecutive failures needed to consider a container as
   * unhealthy. 0 means inherit.
   */
  Retries?: number;
  /**
   * Start period for the container to initialize before starting
   * health-retries countdown in nanoseconds. It should be 0 or at least
   * 1000000 (1 ms). 0 means inherit.
   */
  StartPeriod?: number;
  /**
   * The time to wait between checks in nanoseconds during the start period.
   * It should be 0 or at least 1000000 (1 ms). 0 means inherit.
   */
  StartInterval?: number;
}

/** Health stores information about the container's healthcheck results. */
export type Health = {
  /**
   * Status is one of `none`, `starting`, `healthy` or `unhealthy`
   *
   * - "none"      Indicates there is no healthcheck
   * - "starting"  Starting indicates that the container is not yet ready
   * - "healthy"   Healthy indicates that the container is running correctly
   * - "unhealthy" Unhealthy indicates that the container has a problem
   */
  Status?: "none" | "starting" | "healthy" | "unhealthy";
  /** FailingStreak is the number of consecutive failures */
  FailingStreak?: number;
  /** Log contains the last few results (oldest first) */
  Log?: HealthcheckResult[];
} | null;

/** HealthcheckResult stores information about a single run of a healthcheck probe */
export type HealthcheckResult = {
  /**
   * Date and time at which this check started in
   * [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt) format with nano-seconds.
   */
  Start?: string;
  /**
   * Date and time at which this check ended in
   * [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt) format with nano-seconds.
   */
  End?: string;
  /**
   * ExitCode meanings:
   *
   * - `0` healthy
   * - `1` unhealthy
   * - `2` reserved (considered unhealthy)
   * - other values: error running probe
   */
  ExitCode?: number;
  /** Output from last check */
  Output?: string;
} | null;

/** Container configuration that depends on the host we are running on */
export type HostConfig = Resources & ({
  /**
   * A list of volume bindings for this container. Each volume binding
   * is a string in one of these forms:
   *
   * - `host-src:container-dest[:options]` to bind-mount a host path
   *   into the container. Both `host-src`, and `container-dest` must
   *   be an _absolute_ path.
   * - `volume-name:container-dest[:options]` to bind-mount a volume
   *   managed by a volume driver into the container. `container-dest`
   *   must be an _absolute_ path.
   *
   * `options` is an optional, comma-delimited list of:
   *
   * - `nocopy` disables automatic copying of data from the container
   *   path to the volume. The `nocopy` flag only applies to named volumes.
   * - `[ro|rw]` mounts a volume read-only or read-write, respectively.
   *   If omitted or set to `rw`, volumes are mounted read-write.
   * - `[z|Z]` applies SELinux labels to allow or deny multiple containers
   *   to read and write to the same volume.
   *     - `z`: a _shared_ content label is applied to the content. This
   *       label indicates that multiple containers can share the volume
   *       content, for both reading and writing.
   *     - `Z`: a _private unshared_ label is applied to the content.
   *       This label indicates that only the current container can use
   *       a private volume. Labeling systems such as SELinux require
   *       proper labels to be placed on volume content that is mounted
   *       into a container. Without a label, the security system can
   *       prevent a container's processes from using the content. By
   *       default, the labels set by the host operating system are not
   *       modified.
   * - `[[r]shared|[r]slave|[r]private]` specifies mount
   *   [propagation behavior](https://www.kernel.org/doc/Documentation/filesystems/sharedsubtree.txt).
   *   This only applies to bind-mounted volumes, not internal volumes
   *   or named volumes. Mount propagation requires the source mount
   *   point (the location where the source directory is mounted in the
   *   host operating system) to have the correct propagation properties.
   *   For shared volumes, the source mount point must be set to `shared`.
   *   For slave volumes, the mount must be set to either `shared` or
   *   `slave`.
   */
  Binds?: string[];
  /** Path to a file where the container ID is written */
  ContainerIDFile?: string;
  /** The logging configuration for this container */
  LogConfig?: {
    /**
     * Name of the logging driver used for the container or "none"
     * if logging is disabled.
     */
    Type?: "local" | "json-file" | "syslog" | "journald" | "gelf" | "fluentd" | "awslogs" | "splunk" | "etwlogs" | "none";
    /** Driver-specific configuration options for the logging driver. */
    Config?: { [key: string]: string };
  };
  /**
   * Network mode to use for this container. Supported standard values
   * are: `bridge`, `host`, `none`, and `container:<name|id>`. Any
   * other value is taken as a custom network's name to which this
   * container should connect to.
   */
  NetworkMode?: string;
  PortBindings?: PortMap;
  RestartPolicy?: RestartPolicy;
  /**
   * Automatically remove the container when the container's process
   * exits. This has no effect if `RestartPolicy` is set.
   */
  AutoRemove?: boolean;
  /** Driver that this container uses to mount volumes. */
  VolumeDriver?: string;
  /**
   * A list of volumes to inherit from another container, specified in
   * the form `<container name>[:<ro|rw>]`.
   */
  VolumesFrom?: string[];
  /** Specification for mounts to be added to the container. */
  Mounts?: Mount[];
  /** Initial console size, as an `[height, width]` array. */
  ConsoleSize?: number[] | null;
  /**
   * Arbitrary non-identifying metadata attached to container and
   * provided to the runtime when the container is started.
   */
  Annotations?: { [key: string]: string };
  /**
   * A list of kernel capabilities to add to the container. Conflicts
   * with option 'Capabilities'.
   */
  CapAdd?: string[];
  /**
   * A list of kernel capabilities to drop from the container. Conflicts
   * with option 'Capabilities'.
   */
  CapDrop?: string[];
  /**
   * cgroup namespace mode for the container. Possible values are:
   *
   * - `"private"`: the container runs in its own private cgroup namespace
   * - `"host"`: use the host system's cgroup namespace
   *
   * If not specified, the daemon default is used, which can either be `"private"`
   * or `"host"`, depending on daemon version, kernel support and configuration.
   */
  CgroupnsMode?: "private" | "host";
  /** A list of DNS servers for the container to use. */
  Dns?: string[];
  /** A list of DNS options. */
  DnsOptions?: string[];
  /** A list of DNS search domains. */
  DnsSearch?: string[];
  /**
   * A list of hostnames/IP mappings to add to the container's `/etc/hosts`
   * file. Specified in the form `["hostname:IP"]`.
   */
  ExtraHosts?: string[];
  /** A list of additional groups that the container process will run as. */
  GroupAdd?: string[];
  /**
   * IPC sharing mode for the container. Possible values are:
   *
   * - `"none"`: own private IPC namespace, with /dev/shm not mounted
   * - `"private"`: own private IPC namespace
   * - `"shareable"`: own private IPC namespace, with a possibility to share it with other containers
   * - `"container:<name|id>"`: join another (shareable) container's IPC namespace
   * - `"host"`: use the host system's IPC namespace
   *
   * If not specified, daemon default is used, which can either be `"private"`
   * or `"shareable"`, depending on daemon version and configuration.
   */
  IpcMode?: string;
  /** Cgroup to use for the container. */
  Cgroup?: string;
  /** A list of links for the container in the form `container_name:alias`. */
  Links?: string[];
  /**
   * An integer value containing the score given to the container in
   * order to tune OOM killer preferences.
   */
  OomScoreAdj?: number;
  /**
   * Set the PID (Process) Namespace mode for the container. It can be
   * either:
   *
   * - `"container:<name|id>"`: joins another container's PID namespace
   * - `"host"`: use the host's PID namespace inside the container
   */
  PidMode?: string;
  /** Gives the container full access to the host. */
  Privileged?: boolean;
  /**
   * Allocates an ephemeral host port for all of a container's
   * exposed ports.
   *
   * Ports are de-allocated when the container stops and allocated when
   * the container starts. The allocated port might be changed when
   * restarting the container.
   *
   * The port is selected from the ephemeral port range that depends on
   * the kernel. For example, on Linux the range is defined by
   * `/proc/sys/net/ipv4/ip_local_port_range`.
   */
  PublishAllPorts?: boolean;
  /** Mount the container's root filesystem as read only. */
  ReadonlyRootfs?: boolean;
  /**
   * A list of string values to customize labels for MLS systems, such
   * as SELinux.
   */
  SecurityOpt?: string[];
  /** Storage driver options for this container, in the form `{"size": "120G"}`. */
  StorageOpt?: { [key: string]: string };
  /**
   * A map of container directories which should be replaced by tmpfs
   * mounts, and their corresponding mount options. For example:
   *
   * ```
   * { "/run": "rw,noexec,nosuid,size=65536k" }
   * ```
   */
  Tmpfs?: { [key: string]: string };
  /** UTS namespace to use for the container. */
  UTSMode?: string;
  /**
   * Sets the usernamespace mode for the container when usernamespace
   * remapping option is enabled.
   */
  UsernsMode?: string;
  /** Size of `/dev/shm` in bytes. If omitted, the system uses 64MB. */
  ShmSize?: number;
  /**
   * A list of kernel parameters (sysctls) to set in the container.
   *
   * This field is omitted if not set.
   */
  Sysctls?: { [key: string]: string } | null;
  /** Runtime to use with this container. */
  Runtime?: string | null;
  /** Isolation technology of the container. (Windows only) */
  Isolation?: "default" | "process" | "hyperv" | "";
  /**
   * The list of paths to be masked inside the container (this overrides
   * the default set of paths).
   */
  MaskedPaths?: string[];
  /**
   * The list of paths to be set as read-only inside the container
   * (this overrides the default set of paths).
   */
  ReadonlyPaths?: string[];
});

/** Configuration for a container that is portable between hosts. */
export interface ContainerConfig {
  /** The hostname to use for the container, as a valid RFC 1123 hostname. */
  Hostname?: string;
  /** The domain name to use for the container. */
  Domainname?: string;
  /**
   * Commands run as this user inside the container. If omitted, commands
   * run as the user specified in the image the container was started from.
   *
   * Can be either user-name or UID, and optional group-name or GID,
   * separated by a colon (`<user-name|UID>[<:group-name|GID>]`).
   */
  User?: string;
  /** Whether to attach to `stdin`. */
  AttachStdin?: boolean;
  /** Whether to attach to `stdout`. */
  AttachStdout?: boolean;
  /** Whether to attach to `stderr`. */
  AttachStderr?: boolean;
  /**
   * An object mapping ports to an empty object in the form:
   *
   * `{"<port>/<tcp|udp|sctp>": {}}`
   */
  ExposedPorts?: { [key: string]: { [key: string]: unknown } } | null;
  /** Attach standard streams to a TTY, including `stdin` if it is not closed. */
  Tty?: boolean;
  /** Open `stdin` */
  OpenStdin?: boolean;
  /** Close `stdin` after one attached client disconnects */
  StdinOnce?: boolean;
  /**
   * A list of environment variables to set inside the container in the
   * form `["VAR=value", ...]`. A variable without `=` is removed from the
   * environment, rather than to have an empty value.
   */
  Env?: string[];
  /** Command to run specified as a string or an array of strings. */
  Cmd?: string[];
  Healthcheck?: HealthConfig;
  /** Command is already escaped (Windows only) */
  ArgsEscaped?: boolean | null;
  /**
   * The name (or reference) of the image to use when creating the container,
   * or which was used when the container was created.
   */
  Image?: string;
  /**
   * An object mapping mount point paths inside the container to empty
   * objects.
   */
  Volumes?: { [key: string]: { [key: string]: unknown } };
  /** The working directory for commands to run in. */
  WorkingDir?: string;
  /**
   * The entry point for the container as a string or an array of strings.
   *
   * If the array consists of exactly one empty string (`[""]`) then the
   * entry point is reset to system default (i.e., the entry point used by
   * docker when there is no `ENTRYPOINT` instruction in the `Dockerfile`).
   */
  Entrypoint?: string[];
  /** Disable networking for the container. */
  NetworkDisabled?: boolean | null;
  /** `ONBUILD` metadata that were defined in the image's `Dockerfile`. */
  OnBuild?: string[] | null;
  /** User-defined key/value metadata. */
  Labels?: { [key: string]: string };
  /** Signal to stop a container as a string or unsigned integer. */
  StopSignal?: string | null;
  /**
   * Timeout to stop a container in seconds. If omitted, the daemon-wide
   * default (`default-stop-timeout`) is used.
   */
  StopTimeout?: number | null;
  /** Shell for when `RUN`, `CMD`, and `ENTRYPOINT` uses a shell. */
  Shell?: string[] | null;
}

/**
 * Configuration of the image. These fields are used as defaults
 * when starting a container from the image.
 */
export interface ImageConfig {
  /** The user that commands are run as inside the container. */
  User?: string;
  /**
   * An object mapping ports to an empty object in the form:
   *
   * `{"<port>/<tcp|udp|sctp>": {}}`
   */
  ExposedPorts?: { [key: string]: { [key: string]: unknown } } | null;
  /**
   * A list of environment variables to set inside the container in the
   * form `["VAR=value", ...]`. A variable without `=` is removed from the
   * environment, rather than to have an empty value.
   */
  Env?: string[];
  /** Command to run specified as a string or an array of strings. */
  Cmd?: string[];
  Healthcheck?: HealthConfig;
  /** Command is already escaped (Windows only) */
  ArgsEscaped?: boolean | null;
  /**
   * An object mapping mount point paths inside the container to empty
   * objects.
   */
  Volumes?: { [key: string]: { [key: string]: unknown } };
  /** The working directory for commands to run in. */
  WorkingDir?: string;
  /**
   * The entry point for the container as a string or an array of strings.
   *
   * If the array consists of exactly one empty string (`[""]`) then the
   * entry point is reset to system default (i.e., the entry point used by
   * docker when there is no `ENTRYPOINT` instruction in the `Dockerfile`).
   */
  Entrypoint?: string[];
  /** `ONBUILD` metadata that were defined in the image's `Dockerfile`. */
  OnBuild?: string[] | null;
  /** User-defined key/value metadata. */
  Labels?: { [key: string]: string };
  /** Signal to stop a container as a string or unsigned integer. */
  StopSignal?: string | null;
  /** Shell for when `RUN`, `CMD`, and `ENTRYPOINT` uses a shell. */
  Shell?: string[] | null;
}

/**
 * NetworkingConfig represents the container's networking configuration for
 * each of its interfaces.
 * It is used for the networking configs specified in the `docker create`
 * and `docker network connect` commands.
 */
export interface NetworkingConfig {
  /**
   * A mapping of network name to endpoint configuration for that network.
   * The endpoint configuration can be left empty to connect to that
   * network with no particular endpoint configuration.
   */
  EndpointsConfig?: { [key: string]: EndpointSettings };
}

/** NetworkSettings exposes the network settings in the API */
export interface NetworkSettings {
  /** SandboxID uniquely represents a container's network stack. */
  SandboxID?: string;
  /** SandboxKey is the full path of the netns handle */
  SandboxKey?: string;
  Ports?: PortMap;
  /** Information about all networks that the container is connected to. */
  Networks?: { [key: string]: EndpointSettings };
}

/** Address represents an IPv4 or IPv6 IP address. */
export interface Address {
  /** IP address. */
  Addr?: string;
  /** Mask length of the IP address. */
  PrefixLen?: number;
}

/**
 * PortMap describes the mapping of container ports to host ports, using the
 * container's port-number and protocol as key in the format `<port>/<protocol>`,
 * for example, `80/udp`.
 *
 * If a container's port is mapped for multiple protocols, separate entries
 * are added to the mapping table.
 */
export type PortMap = { [key: string]: PortBinding[] | null };

/**
 * PortBinding represents a binding between a host IP address and a host
 * port.
 */
export interface PortBinding {
  /** Host IP address that the container's port is mapped to. */
  HostIp?: string;
  /** Host port number that the container's port is mapped to. */
  HostPort?: string;
}

/**
 * Information about the storage driver used to store the container's and
 * image's filesystem.
 */
export interface DriverData {
  /** Name of the storage driver. */
  Name: string;
  /**
   * Low-level storage metadata, provided as key/value pairs.
   *
   * This information is driver-specific, and depends on the storage-driver
   * in use, and should be used for informational purposes only.
   */
  Data: { [key: string]: string };
}

/** Information about the storage used by the container. */
export interface Storage {
  /** Information about the storage used for the container's root filesystem. */
  RootFS?: RootFSStorage | null;
}

/** Information about the storage used for the container's root filesystem. */
export interface RootFSStorage {
  /** Information about the snapshot used for the container's root filesystem. */
  Snapshot?: RootFSStorageSnapshot | null;
}

/** Information about a snapshot backend of the container's root filesystem. */
export interface RootFSStorageSnapshot {
  /** Name of the snapshotter. */
  Name?: string;
}

/** Change in the container's filesystem. */
export interface FilesystemChange {
  /** Path to file or directory that has changed. */
  Path: string;
  Kind: ChangeType;
}

/**
 * Kind of change
 *
 * Can be one of:
 *
 * - `0`: Modified ("C")
 * - `1`: Added ("A")
 * - `2`: Deleted ("D")
 */
export type ChangeType = 0 | 1 | 2;

/** Information about an image in the local image cache. */
export interface ImageInspect {
  /**
   * ID is the content-addressable ID of an image.
   *
   * This identifier is a content-addressable digest calculated from the
   * image's configuration (which includes the digests of layers used by
   * the image).
   *
   * Note that this digest differs from the `RepoDigests` below, which
   * holds digests of image manifests that reference the image.
   */
  Id?: string;
  /**
   * Descriptor is an OCI descriptor of the image target.
   * In case of a multi-platform image, this descriptor points to the OCI index
   * or a manifest list.
   *
   * This field is only present if the daemon provides a multi-platform image store.
   *
   * WARNING: This is experimental and may change at any time without any backward
   * compatibility.
   */
  Descriptor?: OCIDescriptor | null;
  /**
   * Manifests is a list of image manifests available in this image. It
   * provides a more detailed view of the platform-specific image manifests or
   * other image-attached data like build attestations.
   *
   * Only available if the daemon provides a multi-platform image store
   * and the `manifests` option is set in the inspect request.
   *
   * WARNING: This is experimental and may change at any time without any backward
   * compatibility.
   */
  Manifests?: ImageManifestSummary[] | null;
  /**
   * Identity holds information about the identity and origin of the image.
   * This is trusted information verified by the daemon and cannot be modified
   * by tagging an image to a different name.
   */
  Identity?: Identity | null;
  /**
   * List of image names/tags in the local image cache that reference this
   * image.
   *
   * Multiple image tags can refer to the same image, and this list may be
   * empty if no tags reference the image, in which case the image is
   * "untagged", in which case it can still be referenced by its ID.
   */
  RepoTags?: string[];
  /**
   * List of content-addressable digests of locally available image manifests
   * that the image is referenced from. Multiple manifests can refer to the
   * same image.
   *
   * These digests are usually only available if the image was either pulled
   * from a registry, or if the image was pushed to a registry, which is when
   * the manifest is generated and its digest calculated.
   */
  RepoDigests?: string[];
  /** Optional message that was set when committing or importing the image. */
  Comment?: string | null;
  /**
   * Date and time at which the image was created, formatted in
   * [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt) format with nano-seconds.
   *
   * This information is only available if present in the image,
   * and omitted otherwise.
   */
  Created?: string | null;
  /**
   * Name of the author that was specified when committing the image, or as
   * specified through MAINTAINER (deprecated) in the Dockerfile.
   */
  Author?: string | null;
  Config?: ImageConfig;
  /** Hardware CPU architecture that the image runs on. */
  Architecture?: string;
  /** CPU architecture variant (presently ARM-only). */
  Variant?: string | null;
  /** Operating System the image is built to run on. */
  Os?: string;
  /**
   * Operating System version the image is built to run on (especially
   * for Windows).
   */
  OsVersion?: string | null;
  /** Total size of the image including all layers it is composed of. */
  Size?: number;
  GraphDriver?: DriverData | null;
  /** Information about the image's RootFS, including the layer IDs. */
  RootFS?: {
    Type: string;
    Layers?: string[];
  };
  /**
   * Additional metadata of the image in the local cache. This information
   * is local to the daemon, and not part of the image itself.
   */
  Metadata?: {
    /**
     * Date and time at which the image was last tagged in
     * [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt) format with nano-seconds.
     *
     * This information is only available if the image was tagged locally,
     * and omitted otherwise.
     */
    LastTagTime?: string | null;
  };
}

/**
 * Identity holds information about the identity and origin of the image.
 * This is trusted information verified by the daemon and cannot be modified
 * by tagging an image to a different name.
 */
export interface Identity {
  /** Signature contains the properties of verified signatures for the image. */
  Signature?: SignatureIdentity[];
  /**
   * Pull contains remote location information if image was created via pull.
   * If image was pulled via mirror, this contains the original repository location.
   * After successful push this images also contains the pushed repository location.
   */
  Pull?: PullIdentity[];
  /** Build contains build reference information if image was created via build. */
  Build?: BuildIdentity[];
}

/** BuildIdentity contains build reference information if image was created via build. */
export interface BuildIdentity {
  /**
   * Ref is the identifier for the build request. This reference can be used to
   * look up the build details in BuildKit history API.
   */
  Ref?: string;
  /** CreatedAt is the time when the build ran. */
  CreatedAt?: string;
}

/**
 * PullIdentity contains remote location information if image was created via pull.
 * If image was pulled via mirror, this contains the original repository location.
 */
export interface PullIdentity {
  /** Repository is the remote repository location the image was pulled from. */
  Repository?: string;
}

/** SignatureIdentity contains the properties of verified signatures for the image. */
export interface SignatureIdentity {
  /** Name is a textual description summarizing the type of signature. */
  Name?: string;
  /** Timestamps contains a list of verified signed timestamps for the signature. */
  Timestamps?: SignatureTimestamp[];
  /** KnownSigner is an identifier for a special signer identity that is known to the implementation. */
  KnownSigner?: KnownSignerIdentity;
  /**
   * DockerReference is the Docker image reference associated with the signature.
   * This is an optional field only present in older hashedrecord signatures.
   */
  DockerReference?: string;
  /** Signer contains information about the signer certificate used to sign the image. */
  Signer?: SignerIdentity;
  /** SignatureType is the type of signature format. E.g. "bundle-v0.3" or "hashedrecord". */
  SignatureType?: SignatureType;
  /**
   * Error contains error information if signature verification failed.
   * Other fields will be empty in this case.
   */
  Error?: string;
  /**
   * Warnings contains any warnings that occurred during signature verification.
   * For example, if there was no internet connectivity and cached trust roots were used.
   * Warning does not indicate a failed verification but may point to configuration issues.
   */
  Warnings?: string[];
}

/** SignatureTimestamp contains information about a verified signed timestamp for an image signature. */
export interface SignatureTimestamp {
  Type?: SignatureTimestampType;
  URI?: string;
  Timestamp?: string;
}

/** SignatureTimestampType is the type of timestamp used in the signature. */
export type SignatureTimestampType = "Tlog" | "TimestampAuthority";

/** SignatureType is the type of signature format. */
export type SignatureType = "bundle-v0.3" | "simplesigning-v1";

/** KnownSignerIdentity is an identifier for a special signer identity that is known to the implementation. */
export type KnownSignerIdentity = "DHI";

/** SignerIdentity contains information about the signer certificate used to sign the image. */
export interface SignerIdentity {
  /** CertificateIssuer is the certificate issuer. */
  CertificateIssuer?: string;
  /** SubjectAlternativeName is the certificate subject alternative name. */
  SubjectAlternativeName?: string;
  /**
   * The OIDC issuer. Should match `iss` claim of ID token or, in the case of
   * a federated login like Dex it should match the issuer URL of the
   * upstream issuer. The issuer is not set the extensions are invalid and
   * will fail to render.
   */
  Issuer?: string;
  /** Reference to specific build instructions that are responsible for signing. */
  BuildSignerURI?: string;
  /** Immutable reference to the specific version of the build instructions that is responsible for signing. */
  BuildSignerDigest?: string;
  /** Specifies whether the build took place in platform-hosted cloud infrastructure or customer/self-hosted infrastructure. */
  RunnerEnvironment?: string;
  /** Source repository URL that the build was based on. */
  SourceRepositoryURI?: string;
  /** Immutable reference to a specific version of the source code that the build was based upon. */
  SourceRepositoryDigest?: string;
  /** Source Repository Ref that the build run was based upon. */
  SourceRepositoryRef?: string;
  /** Immutable identifier for the source repository the workflow was based upon. */
  SourceRepositoryIdentifier?: string;
  /** Source repository owner URL of the owner of the source repository that the build was based on. */
  SourceRepositoryOwnerURI?: string;
  /** Immutable identifier for the owner of the source repository that the workflow was based upon. */
  SourceRepositoryOwnerIdentifier?: string;
  /** Build Config URL to the top-level/initiating build instructions. */
  BuildConfigURI?: string;
  /** Immutable reference to the specific version of the top-level/initiating build instructions. */
  BuildConfigDigest?: string;
  /** Event or action that initiated the build. */
  BuildTrigger?: string;
  /** Run Invocation URL to uniquely identify the build execution. */
  RunInvocationURI?: string;
  /** Source repository visibility at the time of signing the certificate. */
  SourceRepositoryVisibilityAtSigning?: string;
}

export interface ImageSummary {
  /**
   * ID is the content-addressable ID of an image.
   *
   * This identifier is a content-addressable digest calculated from the
   * image's configuration (which includes the digests of layers used by
   * the image).
   *
   * Note that this digest differs from the `RepoDigests` below, which
   * holds digests of image manifests that reference the image.
   */
  Id: string;
  /**
   * ID of the parent image.
   *
   * Depending on how the image was created, this field may be empty and
   * is only set for images that were built/created locally. This field
   * is empty if the image was pulled from an image registry.
   */
  ParentId: string;
  /**
   * List of image names/tags in the local image cache that reference this
   * image.
   *
   * Multiple image tags can refer to the same image, and this list may be
   * empty if no tags reference the image, in which case the image is
   * "untagged", in which case it can still be referenced by its ID.
   */
  RepoTags: string[];
  /**
   * List of content-addressable digests of locally available image manifests
   * that the image is referenced from. Multiple manifests can refer to the
   * same image.
   *
   * These digests are usually only available if the image was either pulled
   * from a registry, or if the image was pushed to a registry, which is when
   * the manifest is generated and its digest calculated.
   */
  RepoDigests: string[];
  /**
   * Date and time at which the image was created as a Unix timestamp
   * (number of seconds since EPOCH).
   */
  Created: number;
  /** Total size of the image including all layers it is composed of. */
  Size: number;
  /**
   * Total size of image layers that are shared between this image and other
   * images.
   *
   * This size is not calculated by default. `-1` indicates that the value
   * has not been set / calculated.
   */
  SharedSize: number;
  /** User-defined key/value metadata. */
  Labels: { [key: string]: string };
  /**
   * Number of containers using this image. Includes both stopped and running
   * containers.
   *
   * `-1` indicates that the value has not been set / calculated.
   */
  Containers: number;
  /**
   * Manifests is a list of manifests available in this image.
   * It provides a more detailed view of the platform-specific image manifests
   * or other image-attached data like build attestations.
   *
   * WARNING: This is experimental and may change at any time without any backward
   * compatibility.
   */
  Manifests?: ImageManifestSummary[];
  /**
   * Descriptor is an OCI descriptor of the image target.
   * In case of a multi-platform image, this descriptor points to the OCI index
   * or a manifest list.
   *
   * This field is only present if the daemon provides a multi-platform image store.
   *
   * WARNING: This is experimental and may change at any time without any backward
   * compatibility.
   */
  Descriptor?: OCIDescriptor | null;
}

/** represents system data usage for image resources. */
export interface ImagesDiskUsage {
  /** Count of active images. */
  ActiveCount?: number;
  /** Count of all images. */
  TotalCount?: number;
  /** Disk space that can be reclaimed by removing unused images. */
  Reclaimable?: number;
  /** Disk space in use by images. */
  TotalSize?: number;
  /** List of image summaries. */
  Items?: unknown[];
}

export interface AuthConfig {
  username?: string;
  password?: string;
  serveraddress?: string;
}

/** An identity token was generated successfully. */
export interface AuthResponse {
  /** The status of the authentication */
  Status: string;
  /** An opaque token used to authenticate a user after a successful login */
  IdentityToken?: string;
}

export interface ProcessConfig {
  privileged?: boolean;
  user?: string;
  tty?: boolean;
  entrypoint?: string;
  arguments?: string[];
}

export interface Volume {
  /** Name of the volume. */
  Name: string;
  /** Name of the volume driver used by the volume. */
  Driver: string;
  /** Mount path of the volume on the host. */
  Mountpoint: string;
  /** Date/Time the volume was created. */
  CreatedAt?: string;
  /**
   * Low-level details about the volume, provided by the volume driver.
   * Details are returned as a map with key/value pairs:
   * `{"key":"value","key2":"value2"}`.
   *
   * The `Status` field is optional, and is omitted if the volume driver
   * does not support this feature.
   */
  Status?: { [key: string]: { [key: string]: unknown } };
  /** User-defined key/value metadata. */
  Labels: { [key: string]: string };
  /**
   * The level at which the volume exists. Either `global` for cluster-wide,
   * or `local` for machine level.
   */
  Scope: "local" | "global";
  ClusterVolume?: ClusterVolume;
  /** The driver specific options used when creating the volume. */
  Options: { [key: string]: string };
  /**
   * Usage details about the volume. This information is used by the
   * `GET /system/df` endpoint, and omitted in other endpoints.
   */
  UsageData?: {
    /**
     * Amount of disk space used by the volume (in bytes). This information
     * is only available for volumes created with the `"local"` volume
     * driver. For volumes created with other volume drivers, this field
     * is set to `-1` ("not available")
     */
    Size: number;
    /**
     * The number of containers referencing this volume. This field
     * is set to `-1` if the reference-count is not available.
     */
    RefCount: number;
  } | null;
}

/** represents system data usage for volume resources. */
export interface VolumesDiskUsage {
  /** Count of active volumes. */
  ActiveCount?: number;
  /** Count of all volumes. */
  TotalCount?: number;
  /** Disk space that can be reclaimed by removing inactive volumes. */
  Reclaimable?: number;
  /** Disk space in use by volumes. */
  TotalSize?: number;
  /** List of volumes. */
  Items?: unknown[];
}

/** Volume configuration */
export interface VolumeCreateRequest {
  /** The new volume's name. If not specified, Docker generates a name. */
  Name?: string;
  /** Name of the volume driver to use. */
  Driver?: string;
  /**
   * A mapping of driver options and values. These options are
   * passed directly to the driver and are driver specific.
   */
  DriverOpts?: { [key: string]: string };
  /** User-defined key/value metadata. */
  Labels?: { [key: string]: string };
  ClusterVolumeSpec?: ClusterVolumeSpec;
}

/** Volume list response */
export interface VolumeListResponse {
  /** List of volumes */
  Volumes?: Volume[];
  /** Warnings that occurred when fetching the list of volumes. */
  Warnings?: string[];
}

export interface Network {
  /** Name of the network. */
  Name?: string;
  /** ID that uniquely identifies a network on a single machine. */
  Id?: string;
  /**
   * Date and time at which the network was created in
   * [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt) format with nano-seconds.
   */
  Created?: string;
  /**
   * The level at which the network exists (e.g. `swarm` for cluster-wide
   * or `local` for machine level)
   */
  Scope?: string;
  /**
   * The name of the driver used to create the network (e.g. `bridge`,
   * `overlay`).
   */
  Driver?: string;
  /** Whether the network was created with IPv4 enabled. */
  EnableIPv4?: boolean;
  /** Whether the network was created with IPv6 enabled. */
  EnableIPv6?: boolean;
  /** The network's IP Address Management. */
  IPAM?: IPAM;
  /**
   * Whether the network is created to only allow internal networking
   * connectivity.
   */
  Internal?: boolean;
  /**
   * Whether a global / swarm scope network is manually attachable by regular
   * containers from workers in swarm mode.
   */
  Attachable?: boolean;
  /** Whether the network is providing the routing-mesh for the swarm cluster. */
  Ingress?: boolean;
  ConfigFrom?: ConfigReference;
  /**
   * Whether the network is a config-only network. Config-only networks are
   * placeholder networks for network configurations to be used by other
   * networks. Config-only networks cannot be used directly to run containers
   * or services.
   */
  ConfigOnly?: boolean;
  /** Network-specific options uses when creating the network. */
  Options?: { [key: string]: string };
  /** Metadata specific to the network being created. */
  Labels?: { [key: string]: string };
  /**
   * List of peer nodes for an overlay network. This field is only present
   * for overlay networks, and omitted for other network types.
   */
  Peers?: PeerInfo[];
}

/** Network list response item */
export type NetworkSummary = Network;

/** The body of the "get network" http response message. */
export type NetworkInspect = Network;

/** provides runtime information about the network such as the number of allocated IPs. */
export interface NetworkStatus {
  IPAM?: IPAMStatus;
}

/** represents service parameters with the list of service's tasks */
export interface ServiceInfo {
  VIP?: string;
  Ports?: string[];
  LocalLBIndex?: number;
  Tasks?: NetworkTaskInfo[];
}

/** carries the information about one backend task */
export interface NetworkTaskInfo {
  Name?: string;
  EndpointID?: string;
  EndpointIP?: string;
  Info?: { [key: string]: string };
}

/**
 * The config-only network source to provide the configuration for
 * this network.
 */
export interface ConfigReference {
  /**
   * The name of the config-only network that provides the network's
   * configuration. The specified network must be an existing config-only
   * network. Only network names are allowed, not network IDs.
   */
  Network?: string;
}

export interface IPAM {
  /** Name of the IPAM driver to use. */
  Driver?: string;
  /**
   * List of IPAM configuration options, specified as a map:
   *
   * ```
   * {"Subnet": <CIDR>, "IPRange": <CIDR>, "Gateway": <IP address>, "AuxAddress": <device_name:IP address>}
   * ```
   */
  Config?: IPAMConfig[];
  /** Driver-specific options, specified as a map. */
  Options?: { [key: string]: string };
}

export interface IPAMConfig {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: { [key: string]: string };
}

export interface IPAMStatus {
  Subnets?: { [key: string]: SubnetStatus };
}

export interface SubnetStatus {
  /** Number of IP addresses in the subnet that are in use or reserved and are therefore unavailable for allocation, saturating at 2<sup>64</sup> - 1. */
  IPsInUse?: number;
  /** Number of IP addresses within the network's IPRange for the subnet that are available for allocation, saturating at 2<sup>64</sup> - 1. */
  DynamicIPsAvailable?: number;
}

/** contains network resources allocated and used for a container in a network. */
export interface EndpointResource {
  Name?: string;
  EndpointID?: string;
  MacAddress?: string;
  IPv4Address?: string;
  IPv6Address?: string;
}

/** represents one peer of an overlay network. */
export interface PeerInfo {
  /** ID of the peer-node in the Swarm cluster. */
  Name?: string;
  /** IP-address of the peer-node in the Swarm cluster. */
  IP?: string;
}

/** OK response to NetworkCreate operation */
export interface NetworkCreateResponse {
  /** The ID of the created network. */
  Id: string;
  /** Warnings encountered when creating the container */
  Warning: string;
}

export interface BuildInfo {
  id?: string;
  stream?: string;
  errorDetail?: ErrorDetail;
  status?: string;
  progressDetail?: ProgressDetail;
  aux?: ImageID;
}

/** BuildCache contains information about a build cache record. */
export interface BuildCache {
  /** Unique ID of the build cache record. */
  ID?: string;
  /** List of parent build cache record IDs. */
  Parents?: string[] | null;
  /** Cache record type. */
  Type?: "internal" | "frontend" | "source.local" | "source.git.checkout" | "exec.cachemount" | "regular";
  /** Description of the build-step that produced the build cache. */
  Description?: string;
  /** Indicates if the build cache is in use. */
  InUse?: boolean;
  /** Indicates if the build cache is shared. */
  Shared?: boolean;
  /** Amount of disk space used by the build cache (in bytes). */
  Size?: number;
  /**
   * Date and time at which the build cache was created in
   * [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt) format with nano-seconds.
   */
  CreatedAt?: string;
  /**
   * Date and time at which the build cache was last used in
   * [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt) format with nano-seconds.
   */
  LastUsedAt?: string | null;
  UsageCount?: number;
}

/** represents system data usage for build cache resources. */
export interface BuildCacheDiskUsage {
  /** Count of active build cache records. */
  ActiveCount?: number;
  /** Count of all build cache records. */
  TotalCount?: number;
  /** Disk space that can be reclaimed by removing inactive build cache records. */
  Reclaimable?: number;
  /** Disk space in use by build cache records. */
  TotalSize?: number;
  /** List of build cache records. */
  Items?: unknown[];
}

/** Image ID or Digest */
export interface ImageID {
  ID?: string;
}

export interface CreateImageInfo {
  id?: string;
  errorDetail?: ErrorDetail;
  status?: string;
  progressDetail?: ProgressDetail;
}

export interface PushImageInfo {
  errorDetail?: ErrorDetail;
  status?: string;
  progressDetail?: ProgressDetail;
}

/** DeviceInfo represents a device that can be used by a container. */
export interface DeviceInfo {
  /** The origin device driver. */
  Source?: string;
  /**
   * The unique identifier for the device within its source driver.
   * For CDI devices, this would be an FQDN like "vendor.com/gpu=0".
   */
  ID?: string;
}

/**
 * Information about the Node Resource Interface (NRI).
 *
 * This field is only present if NRI is enabled.
 */
export type NRIInfo = {
  /**
   * Information about NRI, provided as "label" / "value" pairs.
   *
   * <p><br /></p>
   *
   * > **Note**: The information returned in this field, including the
   * > formatting of values and labels, should not be considered stable,
   * > and may change without notice.
   */
  Info?: string[][];
} | null;

export interface ErrorDetail {
  code?: number;
  message?: string;
}

export interface ProgressDetail {
  current?: number;
  total?: number;
}

/** Represents an error. */
export interface ErrorResponse {
  /** The error message. */
  message: string;
}

/** Response to an API call that returns just an Id */
export interface IDResponse {
  /** The id of the newly created object. */
  Id: string;
}

/** NetworkConnectRequest represents the data to be used to connect a container to a network. */
export interface NetworkConnectRequest {
  /** The ID or name of the container to connect to the network. */
  Container: string;
  EndpointConfig?: EndpointSettings | null;
}

/** NetworkDisconnectRequest represents the data to be used to disconnect a container from a network. */
export interface NetworkDisconnectRequest {
  /** The ID or name of the container to disconnect from the network. */
  Container: string;
  /** Force the container to disconnect from the network. */
  Force?: boolean;
}

/** Configuration for a network endpoint. */
export interface EndpointSettings {
  IPAMConfig?: EndpointIPAMConfig;
  Links?: string[];
  /** MAC address for the endpoint on this network. The network driver might ignore this parameter. */
  MacAddress?: string;
  Aliases?: string[];
  /**
   * DriverOpts is a mapping of driver options and values. These options
   * are passed directly to the driver and are driver specific.
   */
  DriverOpts?: { [key: string]: string } | null;
  /**
   * This property determines which endpoint will provide the default
   * gateway for a container. The endpoint with the highest priority will
   * be used. If multiple endpoints have the same priority, endpoints are
   * lexicographically sorted based on their network name, and the one
   * that sorts first is picked.
   */
  GwPriority?: number;
  /** Unique ID of the network. */
  NetworkID?: string;
  /** Unique ID for the service endpoint in a Sandbox. */
  EndpointID?: string;
  /** Gateway address for this network. */
  Gateway?: string;
  /** IPv4 address. */
  IPAddress?: string;
  /** Mask length of the IPv4 address. */
  IPPrefixLen?: number;
  /** IPv6 gateway address. */
  IPv6Gateway?: string;
  /** Global IPv6 address. */
  GlobalIPv6Address?: string;
  /** Mask length of the global IPv6 address. */
  GlobalIPv6PrefixLen?: number;
  /**
   * List of all DNS names an endpoint has on a specific network. This
   * list is based on the container name, network aliases, container short
   * ID, and hostname.
   *
   * These DNS names are non-fully qualified but can contain several dots.
   * You can get fully qualified DNS names by appending `.<network-name>`.
   * For instance, if container name is `my.ctr` and the network is named
   * `testnet`, `DNSNames` will contain `my.ctr` and the FQDN will be
   * `my.ctr.testnet`.
   */
  DNSNames?: string[];
}

/** EndpointIPAMConfig represents an endpoint's IPAM configuration. */
export type EndpointIPAMConfig = {
  IPv4Address?: string;
  IPv6Address?: string;
  LinkLocalIPs?: string[];
} | null;

export interface PluginMount {
  Name: string;
  Description: string;
  Settable: string[];
  Source: string;
  Destination: string;
  Type: string;
  Options: string[];
}

export interface PluginDevice {
  Name: string;
  Description: string;
  Settable: string[];
  Path: string;
}

export interface PluginEnv {
  Name: string;
  Description: string;
  Settable: string[];
  Value: string;
}

/**
 * Describes a permission the user has to accept upon installing
 * the plugin.
 */
export interface PluginPrivilege {
  Name?: string;
  Description?: string;
  Value?: string[];
}

/** A plugin for the Engine API */
export interface Plugin {
  Id?: string;
  Name: string;
  /** True if the plugin is running. False if the plugin is not running, only installed. */
  Enabled: boolean;
  /** user-configurable settings for the plugin. */
  Settings: {
    Mounts: PluginMount[];
    Env: string[];
    Args: string[];
    Devices: PluginDevice[];
  };
  /** plugin remote reference used to push/pull the plugin */
  PluginReference?: string;
  /** The config of a plugin. */
  Config: {
    Description: string;
    Documentation: string;
    /** The interface between Docker and the plugin */
    Interface: {
      Types: string[];
      Socket: string;
      /** Protocol to use for clients connecting to the plugin. */
      ProtocolScheme?: "" | "moby.plugins.http/v1";
    };
    Entrypoint: string[];
    WorkDir: string;
    User?: {
      UID?: number;
      GID?: number;
    };
    Network: {
      Type: string;
    };
    Linux: {
      Capabilities: string[];
      AllowAllDevices: boolean;
      Devices: PluginDevice[];
    };
    PropagatedMount: string;
    IpcHost: boolean;
    PidHost: boolean;
    Mounts: PluginMount[];
    Env: PluginEnv[];
    Args: {
      Name: string;
      Description: string;
      Settable: string[];
      Value: string[];
    };
    rootfs?: {
      type?: string;
      diff_ids?: string[];
    };
  };
}

/**
 * The version number of the object such as node, service, etc. This is needed
 * to avoid conflicting writes. The client must send the version number along
 * with the modified specification when updating these objects.
 *
 * This approach ensures safe concurrency and determinism in that the change
 * on the object may not be applied if the version number has changed from the
 * last read. In other words, if two update requests specify the same base
 * version, only one of the requests can succeed. As a result, two separate
 * update requests that happen at the same time will not unintentionally
 * overwrite each other.
 */
export interface ObjectVersion {
  Index?: number;
}

export interface NodeSpec {
  /** Name for the node. */
  Name?: string;
  /** User-defined key/value metadata. */
  Labels?: { [key: string]: string };
  /** Role of the node. */
  Role?: "worker" | "manager";
  /** Availability of the node. */
  Availability?: "active" | "pause" | "drain";
}

export interface Node {
  ID?: string;
  Version?: ObjectVersion;
  /**
   * Date and time at which the node was added to the swarm in
   * [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt) format with nano-seconds.
   */
  CreatedAt?: string;
  /**
   * Date and time at which the node was last updated in
   * [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt) format with nano-seconds.
   */
  UpdatedAt?: string;
  Spec?: NodeSpec;
  Description?: NodeDescription;
  Status?: NodeStatus;
  ManagerStatus?: ManagerStatus;
}

/**
 * NodeDescription encapsulates the properties of the Node as reported by the
 * agent.
 */
export interface NodeDescription {
  Hostname?: string;
  Platform?: Platform;
  Resources?: ResourceObject;
  Engine?: EngineDescription;
  TLSInfo?: TLSInfo;
}

/** Platform represents the platform (Arch/OS). */
export interface Platform {
  /**
   * Architecture represents the hardware architecture (for example,
   * `x86_64`).
   */
  Architecture?: string;
  /** OS represents the Operating System (for example, `linux` or `windows`). */
  OS?: string;
}

/** EngineDescription provides information about an engine. */
export interface EngineDescription {
  EngineVersion?: string;
  Labels?: { [key: string]: string };
  Plugins?: {
    Type?: string;
    Name?: string;
  }[];
}

/**
 * Information about the issuer of leaf TLS certificates and the trusted root
 * CA certificate.
 */
export interface TLSInfo {
  /**
   * The root CA certificate(s) that are used to validate leaf TLS
   * certificates.
   */
  TrustRoot?: string;
  /** The base64-url-safe-encoded raw subject bytes of the issuer. */
  CertIssuerSubject?: string;
  /** The base64-url-safe-encoded raw public key bytes of the issuer. */
  CertIssuerPublicKey?: string;
}

/**
 * NodeStatus represents the status of a node.
 *
 * It provides the current status of the node, as seen by the manager.
 */
export interface NodeStatus {
  State?: NodeState;
  Message?: string;
  /** IP address of the node. */
  Addr?: string;
}

/** NodeState represents the state of a node. */
export type NodeState = "unknown" | "down" | "ready" | "disconnected";

/**
 * ManagerStatus represents the status of a manager.
 *
 * It provides the current status of a node's manager component, if the node
 * is a manager.
 */
export type ManagerStatus = {
  Leader?: boolean;
  Reachability?: Reachability;
  /** The IP address and port at which the manager is reachable. */
  Addr?: string;
} | null;

/** Reachability represents the reachability of a node. */
export type Reachability = "unknown" | "unreachable" | "reachable";

/** User modifiable swarm configuration. */
export interface SwarmSpec {
  /** Name of the swarm. */
  Name?: string;
  /** User-defined key/value metadata. */
  Labels?: { [key: string]: string };
  /** Orchestration configuration. */
  Orchestration?: {
    /**
     * The number of historic tasks to keep per instance or node. If
     * negative, never remove completed or failed tasks.
     */
    TaskHistoryRetentionLimit?: number;
  } | null;
  /** Raft configuration. */
  Raft?: {
    /** The number of log entries between snapshots. */
    SnapshotInterval?: number;
    /** The number of snapshots to keep beyond the current snapshot. */
    KeepOldSnapshots?: number;
    /**
     * The number of log entries to keep around to sync up slow followers
     * after a snapshot is created.
     */
    LogEntriesForSlowFollowers?: number;
    /**
     * The number of ticks that a follower will wait for a message from
     * the leader before becoming a candidate and starting an election.
     * `ElectionTick` must be greater than `HeartbeatTick`.
     *
     * A tick currently defaults to one second, so these translate
     * directly to seconds currently, but this is NOT guaranteed.
     */
    ElectionTick?: number;
    /**
     * The number of ticks between heartbeats. Every HeartbeatTick ticks,
     * the leader will send a heartbeat to the followers.
     *
     * A tick currently defaults to one second, so these translate
     * directly to seconds currently, but this is NOT guaranteed.
     */
    HeartbeatTick?: number;
  };
  /** Dispatcher configuration. */
  Dispatcher?: {
    /** The delay for an agent to send a heartbeat to the dispatcher. */
    HeartbeatPeriod?: number;
  } | null;
  /** CA configuration. */
  CAConfig?: {
    /** The duration node certificates are issued for. */
    NodeCertExpiry?: number;
    /**
     * Configuration for forwarding signing requests to an external
     * certificate authority.
     */
    ExternalCAs?: {
      /**
       * Protocol for communication with the external CA (currently
       * only `cfssl` is supported).
       */
      Protocol?: "cfssl";
      /** URL where certificate signing requests should be sent. */
      URL?: string;
      /**
       * An object with key/value pairs that are interpreted as
       * protocol-specific options for the external CA driver.
       */
      Options?: { [key: string]: string };
      /**
       * The root CA certificate (in PEM format) this external CA uses
       * to issue TLS certificates (assumed to be to the current swarm
       * root CA certificate if not provided).
       */
      CACert?: string;
    }[];
    /**
     * The desired signing CA certificate for all swarm node TLS leaf
     * certificates, in PEM format.
     */
    SigningCACert?: string;
    /**
     * The desired signing CA key for all swarm node TLS leaf certificates,
     * in PEM format.
     */
    SigningCAKey?: string;
    /**
     * An integer whose purpose is to force swarm to generate a new
     * signing CA certificate and key, if none have been specified in
     * `SigningCACert` and `SigningCAKey`
     */
    ForceRotate?: number;
  } | null;
  /** Parameters related to encryption-at-rest. */
  EncryptionConfig?: {
    /**
     * If set, generate a key and use it to lock data stored on the
     * managers.
     */
    AutoLockManagers?: boolean;
  };
  /** Defaults for creating tasks in this cluster. */
  TaskDefaults?: {
    /**
     * The log driver to use for tasks created in the orchestrator if
     * unspecified by a service.
     *
     * Updating this value only affects new tasks. Existing tasks continue
     * to use their previously configured log driver until recreated.
     */
    LogDriver?: {
      /** The log driver to use as a default for new tasks. */
      Name?: string;
      /**
       * Driver-specific options for the selected log driver, specified
       * as key/value pairs.
       */
      Options?: { [key: string]: string };
    };
  };
}

/**
 * ClusterInfo represents information about the swarm as is returned by the
 * "/info" endpoint. Join-tokens are not included.
 */
export type ClusterInfo = {
  /** The ID of the swarm. */
  ID?: string;
  Version?: ObjectVersion;
  /**
   * Date and time at which the swarm was initialised in
   * [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt) format with nano-seconds.
   */
  CreatedAt?: string;
  /**
   * Date and time at which the swarm was last updated in
   * [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt) format with nano-seconds.
   */
  UpdatedAt?: string;
  Spec?: SwarmSpec;
  TLSInfo?: TLSInfo;
  /** Whether there is currently a root CA rotation in progress for the swarm */
  RootRotationInProgress?: boolean;
  /**
   * DataPathPort specifies the data path port number for data traffic.
   * Acceptable port range is 1024 to 49151.
   * If no port is set or is set to 0, the default port (4789) is used.
   */
  DataPathPort?: number;
  /**
   * Default Address Pool specifies default subnet pools for global scope
   * networks.
   */
  DefaultAddrPool?: string[];
  /**
   * SubnetSize specifies the subnet size of the networks created from the
   * default subnet pool.
   */
  SubnetSize?: number;
} | null;

/** JoinTokens contains the tokens workers and managers need to join the swarm. */
export interface JoinTokens {
  /** The token workers can use to join the swarm. */
  Worker?: string;
  /** The token managers can use to join the swarm. */
  Manager?: string;
}

export type Swarm = ClusterInfo & {
  JoinTokens?: JoinTokens;
};

/** User modifiable task configuration. */
export interface TaskSpec {
  /**
   * Plugin spec for the service.  *(Experimental release only.)*
   *
   * <p><br /></p>
   *
   * > **Note**: ContainerSpec, NetworkAttachmentSpec, and PluginSpec are
   * > mutually exclusive. PluginSpec is only used when the Runtime field
   * > is set to `plugin`. NetworkAttachmentSpec is used when the Runtime
   * > field is set to `attachment`.
   */
  PluginSpec?: {
    /** The name or 'alias' to use for the plugin. */
    Name?: string;
    /** The plugin image reference to use. */
    Remote?: string;
    /** Disable the plugin once scheduled. */
    Disabled?: boolean;
    PluginPrivilege?: PluginPrivilege[];
  };
  /**
   * Container spec for the service.
   *
   * <p><br /></p>
   *
   * > **Note**: ContainerSpec, NetworkAttachmentSpec, and PluginSpec are
   * > mutually exclusive. PluginSpec is only used when the Runtime field
   * > is set to `plugin`. NetworkAttachmentSpec is used when the Runtime
   * > field is set to `attachment`.
   */
  ContainerSpec?: {
    /** The image name to use for the container */
    Image?: string;
    /** User-defined key/value data. */
    Labels?: { [key: string]: string };
    /** The command to be run in the image. */
    Command?: string[];
    /** Arguments to the command. */
    Args?: string[];
    /**
     * The hostname to use for the container, as a valid
     * [RFC 1123](https://tools.ietf.org/html/rfc1123) hostname.
     */
    Hostname?: string;
    /** A list of environment variables in the form `VAR=value`. */
    Env?: string[];
    /** The working directory for commands to run in. */
    Dir?: string;
    /** The user inside the container. */
    User?: string;
    /** A list of additional groups that the container process will run as. */
    Groups?: string[];
    /** Security options for the container */
    Privileges?: {
      /** CredentialSpec for managed service account (Windows only) */
      CredentialSpec?: {
        /**
         * Load credential spec from a Swarm Config with the given ID.
         * The specified config must also be present in the Configs
         * field with the Runtime property set.
         *
         * <p><br /></p>
         *
         *
         * > **Note**: `CredentialSpec.File`, `CredentialSpec.Registry`,
         * > and `CredentialSpec.Config` are mutually exclusive.
         */
        Config?: string;
        /**
         * Load credential spec from this file. The file is read by
         * the daemon, and must be present in the `CredentialSpecs`
         * subdirectory in the docker data directory, which defaults
         * to `C:\ProgramData\Docker\` on Windows.
         *
         * For example, specifying `spec.json` loads
         * `C:\ProgramData\Docker\CredentialSpecs\spec.json`.
         *
         * <p><br /></p>
         *
         * > **Note**: `CredentialSpec.File`, `CredentialSpec.Registry`,
         * > and `CredentialSpec.Config` are mutually exclusive.
         */
        File?: string;
        /**
         * Load credential spec from this value in the Windows
         * registry. The specified registry value must be located in:
         *
         * `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\Containers\CredentialSpecs`
         *
         * <p><br /></p>
         *
         *
         * > **Note**: `CredentialSpec.File`, `CredentialSpec.Registry`,
         * > and `CredentialSpec.Config` are mutually exclusive.
         */
        Registry?: string;
      };
      /** SELinux labels of the container */
      SELinuxContext?: {
        /** Disable SELinux */
        Disable?: boolean;
        /** SELinux user label */
        User?: string;
        /** SELinux role label */
        Role?: string;
        /** SELinux type label */
        Type?: string;
        /** SELinux level label */
        Level?: string;
      };
      /** Options for configuring seccomp on the container */
      Seccomp?: {
        Mode?: "default" | "unconfined" | "custom";
        /** The custom seccomp profile as a json object */
        Profile?: string;
      };
      /** Options for configuring AppArmor on the container */
      AppArmor?: {
        Mode?: "default" | "disabled";
      };
      /** Configuration of the no_new_privs bit in the container */
      NoNewPrivileges?: boolean;
    };
    /** Whether a pseudo-TTY should be allocated. */
    TTY?: boolean;
    /** Open `stdin` */
    OpenStdin?: boolean;
    /** Mount the container's root filesystem as read only. */
    ReadOnly?: boolean;
    /**
     * Specification for mounts to be added to containers created as part
     * of the service.
     */
    Mounts?: Mount[];
    /** Signal to stop the container. */
    StopSignal?: string;
    /**
     * Amount of time to wait for the container to terminate before
     * forcefully killing it.
     */
    StopGracePeriod?: number;
    HealthCheck?: HealthConfig;
    /**
     * A list of hostname/IP mappings to add to the container's `hosts`
     * file. The format of extra hosts is specified in the
     * [hosts(5)](http://man7.org/linux/man-pages/man5/hosts.5.html)
     * man page:
     *
     *     IP_address canonical_hostname [aliases...]
     */
    Hosts?: string[];
    /**
     * Specification for DNS related configurations in resolver configuration
     * file (`resolv.conf`).
     */
    DNSConfig?: {
      /** The IP addresses of the name servers. */
      Nameservers?: string[];
      /** A search list for host-name lookup. */
      Search?: string[];
      /**
       * A list of internal resolver variables to be modified (e.g.,
       * `debug`, `ndots:3`, etc.).
       */
      Options?: string[];
    };
    /**
     * Secrets contains references to zero or more secrets that will be
     * exposed to the service.
     */
    Secrets?: {
      /** File represents a specific target that is backed by a file. */
      File?: {
        /** Name represents the final filename in the filesystem. */
        Name?: string;
        /** UID represents the file UID. */
        UID?: string;
        /** GID represents the file GID. */
        GID?: string;
        /** Mode represents the FileMode of the file. */
        Mode?: number;
      };
      /**
       * SecretID represents the ID of the specific secret that we're
       * referencing.
       */
      SecretID?: string;
      /**
       * SecretName is the name of the secret that this references,
       * but this is just provided for lookup/display purposes. The
       * secret in the reference will be identified by its ID.
       */
      SecretName?: string;
    }[];
    /**
     * An integer value containing the score given to the container in
     * order to tune OOM killer preferences.
     */
    OomScoreAdj?: number;
    /**
     * Configs contains references to zero or more configs that will be
     * exposed to the service.
     */
    Configs?: {
      /**
       * File represents a specific target that is backed by a file.
       *
       * <p><br /><p>
       *
       * > **Note**: `Configs.File` and `Configs.Runtime` are mutually exclusive
       */
      File?: {
        /** Name represents the final filename in the filesystem. */
        Name?: string;
        /** UID represents the file UID. */
        UID?: string;
        /** GID represents the file GID. */
        GID?: string;
        /** Mode represents the FileMode of the file. */
        Mode?: number;
      };
      /**
       * Runtime represents a target that is not mounted into the
       * container but is used by the task
       *
       * <p><br /><p>
       *
       * > **Note**: `Configs.File` and `Configs.Runtime` are mutually
       * > exclusive
       */
      Runtime?: { [key: string]: unknown };
      /**
       * ConfigID represents the ID of the specific config that we're
       * referencing.
       */
      ConfigID?: string;
      /**
       * ConfigName is the name of the config that this references,
       * but this is just provided for lookup/display purposes. The
       * config in the reference will be identified by its ID.
       */
      ConfigName?: string;
    }[];
    /**
     * Isolation technology of the containers running the service.
     * (Windows only)
     */
    Isolation?: "default" | "process" | "hyperv" | "";
    /**
     * Run an init inside the container that forwards signals and reaps
     * processes. This field is omitted if empty, and the default (as
     * configured on the daemon) is used.
     */
    Init?: boolean | null;
    /**
     * Set kernel namedspaced parameters (sysctls) in the container.
     * The Sysctls option on services accepts the same sysctls as the
     * are supported on containers. Note that while the same sysctls are
     * supported, no guarantees or checks are made about their
     * suitability for a clustered environment, and it's up to the user
     * to determine whether a given sysctl will work properly in a
     * Service.
     */
    Sysctls?: { [key: string]: string };
    /**
     * A list of kernel capabilities to add to the default set
     * for the container.
     */
    CapabilityAdd?: string[];
    /**
     * A list of kernel capabilities to drop from the default set
     * for the container.
     */
    CapabilityDrop?: string[];
    /** A list of resource limits to set in the container. For example: `{"Name": "nofile", "Soft": 1024, "Hard": 2048}`" */
    Ulimits?: {
      /** Name of ulimit */
      Name?: string;
      /** Soft limit */
      Soft?: number;
      /** Hard limit */
      Hard?: number;
    }[];
  };
  /**
   * Read-only spec type for non-swarm containers attached to swarm overlay
   * networks.
   *
   * <p><br /></p>
   *
   * > **Note**: ContainerSpec, NetworkAttachmentSpec, and PluginSpec are
   * > mutually exclusive. PluginSpec is only used when the Runtime field
   * > is set to `plugin`. NetworkAttachmentSpec is used when the Runtime
   * > field is set to `attachment`.
   */
  NetworkAttachmentSpec?: {
    /** ID of the container represented by this task */
    ContainerID?: string;
  };
  /**
   * Resource requirements which apply to each individual container created
   * as part of the service.
   */
  Resources?: {
    /** Define resources limits. */
    Limits?: Limit;
    /** Define resources reservation. */
    Reservations?: ResourceObject;
    /**
     * Amount of swap in bytes - can only be used together with a memory limit.
     * If not specified, the default behaviour is to grant a swap space twice
     * as big as the memory limit.
     * Set to -1 to enable unlimited swap.
     */
    SwapBytes?: number | null;
    /**
     * Tune the service's containers' memory swappiness (0 to 100).
     * If not specified, defaults to the containers' OS' default, generally 60,
     * or whatever value was predefined in the image.
     * Set to -1 to unset a previously set value.
     */
    MemorySwappiness?: number | null;
  };
  /**
   * Specification for the restart policy which applies to containers
   * created as part of this service.
   */
  RestartPolicy?: {
    /** Condition for restart. */
    Condition?: "none" | "on-failure" | "any";
    /** Delay between restart attempts. */
    Delay?: number;
    /**
     * Maximum attempts to restart a given container before giving up
     * (default value is 0, which is ignored).
     */
    MaxAttempts?: number;
    /**
     * Windows is the time window used to evaluate the restart policy
     * (default value is 0, which is unbounded).
     */
    Window?: number;
  };
  Placement?: {
    /**
     * An array of constraint expressions to limit the set of nodes where
     * a task can be scheduled. Constraint expressions can either use a
     * _match_ (`==`) or _exclude_ (`!=`) rule. Multiple constraints find
     * nodes that satisfy every expression (AND match). Constraints can
     * match node or Docker Engine labels as follows:
     *
     * node attribute       | matches                        | example
     * ---------------------|--------------------------------|-----------------------------------------------
     * `node.id`            | Node ID                        | `node.id==2ivku8v2gvtg4`
     * `node.hostname`      | Node hostname                  | `node.hostname!=node-2`
     * `node.role`          | Node role (`manager`/`worker`) | `node.role==manager`
     * `node.platform.os`   | Node operating system          | `node.platform.os==windows`
     * `node.platform.arch` | Node architecture              | `node.platform.arch==x86_64`
     * `node.labels`        | User-defined node labels       | `node.labels.security==high`
     * `engine.labels`      | Docker Engine's labels         | `engine.labels.operatingsystem==ubuntu-24.04`
     *
     * `engine.labels` apply to Docker Engine labels like operating system,
     * drivers, etc. Swarm administrators add `node.labels` for operational
     * purposes by using the [`node update endpoint`](#operation/NodeUpdate).
     */
    Constraints?: string[];
    /**
     * Preferences provide a way to make the scheduler aware of factors
     * such as topology. They are provided in order from highest to
     * lowest precedence.
     */
    Preferences?: {
      Spread?: {
        /** label descriptor, such as `engine.labels.az`. */
        SpreadDescriptor?: string;
      };
    }[];
    /**
     * Maximum number of replicas for per node (default value is 0, which
     * is unlimited)
     */
    MaxReplicas?: number;
    /**
     * Platforms stores all the platforms that the service's image can
     * run on. This field is used in the platform filter for scheduling.
     * If empty, then the platform filter is off, meaning there are no
     * scheduling restrictions.
     */
    Platforms?: Platform[];
  };
  /**
   * A counter that triggers an update even if no relevant parameters have
   * been changed.
   */
  ForceUpdate?: number;
  /** Runtime is the type of runtime specified for the task executor. */
  Runtime?: string;
  /** Specifies which networks the service should attach to. */
  Networks?: NetworkAttachmentConfig[];
  /**
   * Specifies the log driver to use for tasks created from this spec. If
   * not present, the default one for the swarm will be used, finally
   * falling back to the engine default if not specified.
   */
  LogDriver?: {
    Name?: string;
    Options?: { [key: string]: string };
  };
}

export type TaskState = "new" | "allocated" | "pending" | "assigned" | "accepted" | "preparing" | "ready" | "starting" | "running" | "complete" | "shutdown" | "failed" | "rejected" | "remove" | "orphaned";

/** represents the status of a container. */
export interface ContainerStatus {
  ContainerID?: string;
  PID?: number;
  ExitCode?: number;
}

/** represents the port status of a task's host ports whose service has published host ports */
export interface PortStatus {
  Ports?: EndpointPortConfig[];
}

/** represents the status of a task. */
export interface TaskStatus {
  Timestamp?: string;
  State?: TaskState;
  Message?: string;
  Err?: string;
  ContainerStatus?: ContainerStatus;
  PortStatus?: PortStatus;
}

/**
 * Specifies how a task is attached to a network, and the addresses the
 * task was assigned on that network.
 */
export interface NetworkAttachment {
  Network?: Network;
  /**
   * The IP addresses (in CIDR notation) assigned to the task on this
   * network. To maintain backward compatibility this field accepts CIDR
   * notation, but only the IP address is used.
   */
  Addresses?: string[];
}

export interface Task {
  /** The ID of the task. */
  ID?: string;
  Version?: ObjectVersion;
  CreatedAt?: string;
  UpdatedAt?: string;
  /** Name of the task. */
  Name?: string;
  /** User-defined key/value metadata. */
  Labels?: { [key: string]: string };
  Spec?: TaskSpec;
  /** The ID of the service this task is part of. */
  ServiceID?: string;
  Slot?: number;
  /** The ID of the node that this task is on. */
  NodeID?: string;
  AssignedGenericResources?: GenericResources;
  Status?: TaskStatus;
  DesiredState?: TaskState;
  /**
   * If the Service this Task belongs to is a job-mode service, contains
   * the JobIteration of the Service this Task was created for. Absent if
   * the Task was created for a Replicated or Global Service.
   */
  JobIteration?: ObjectVersion;
  /**
   * The networks that this task is attached to, and the addresses the
   * task was assigned on each of them.
   */
  NetworksAttachments?: NetworkAttachment[];
}

/** User modifiable configuration for a service. */
export interface ServiceSpec {
  /** Name of the service. */
  Name?: string;
  /** User-defined key/value metadata. */
  Labels?: { [key: string]: string };
  TaskTemplate?: TaskSpec;
  /** Scheduling mode for the service. */
  Mode?: {
    Replicated?: {
      Replicas?: number;
    };
    Global?: { [key: string]: unknown };
    /**
     * The mode used for services with a finite number of tasks that run
     * to a completed state.
     */
    ReplicatedJob?: {
      /** The maximum number of replicas to run simultaneously. */
      MaxConcurrent?: number;
      /**
       * The total number of replicas desired to reach the Completed
       * state. If unset, will default to the value of `MaxConcurrent`
       */
      TotalCompletions?: number;
    };
    /**
     * The mode used for services which run a task to the completed state
     * on each valid node.
     */
    GlobalJob?: { [key: string]: unknown };
  };
  /** Specification for the update strategy of the service. */
  UpdateConfig?: {
    /**
     * Maximum number of tasks to be updated in one iteration (0 means
     * unlimited parallelism).
     */
    Parallelism?: number;
    /** Amount of time between updates, in nanoseconds. */
    Delay?: number;
    /**
     * Action to take if an updated task fails to run, or stops running
     * during the update.
     */
    FailureAction?: "continue" | "pause" | "rollback";
    /**
     * Amount of time to monitor each updated task for failures, in
     * nanoseconds.
     */
    Monitor?: number;
    /**
     * The fraction of tasks that may fail during an update before the
     * failure action is invoked, specified as a floating point number
     * between 0 and 1.
     */
    MaxFailureRatio?: number;
    /**
     * The order of operations when rolling out an updated task. Either
     * the old task is shut down before the new task is started, or the
     * new task is started before the old task is shut down.
     */
    Order?: "stop-first" | "start-first";
  };
  /** Specification for the rollback strategy of the service. */
  RollbackConfig?: {
    /**
     * Maximum number of tasks to be rolled back in one iteration (0 means
     * unlimited parallelism).
     */
    Parallelism?: number;
    /** Amount of time between rollback iterations, in nanoseconds. */
    Delay?: number;
    /**
     * Action to take if an rolled back task fails to run, or stops
     * running during the rollback.
     */
    FailureAction?: "continue" | "pause";
    /**
     * Amount of time to monitor each rolled back task for failures, in
     * nanoseconds.
     */
    Monitor?: number;
    /**
     * The fraction of tasks that may fail during a rollback before the
     * failure action is invoked, specified as a floating point number
     * between 0 and 1.
     */
    MaxFailureRatio?: number;
    /**
     * The order of operations when rolling back a task. Either the old
     * task is shut down before the new task is started, or the new task
     * is started before the old task is shut down.
     */
    Order?: "stop-first" | "start-first";
  };
  /**
   * Specifies which networks the service should attach to.
   *
   * Deprecated: This field is deprecated since v1.44. The Networks field in TaskSpec should be used instead.
   */
  Networks?: NetworkAttachmentConfig[];
  EndpointSpec?: EndpointSpec;
}

export interface EndpointPortConfig {
  Name?: string;
  Protocol?: "tcp" | "udp" | "sctp";
  /** The port inside the container. */
  TargetPort?: number;
  /** The port on the swarm hosts. */
  PublishedPort?: number;
  /**
   * The mode in which port is published.
   *
   * <p><br /></p>
   *
   * - "ingress" makes the target port accessible on every node,
   *   regardless of whether there is a task for the service running on
   *   that node or not.
   * - "host" bypasses the routing mesh and publish the port directly on
   *   the swarm node where that service is running.
   */
  PublishMode?: "ingress" | "host";
}

/** Properties that can be configured to access and load balance a service. */
export interface EndpointSpec {
  /** The mode of resolution to use for internal load balancing between tasks. */
  Mode?: "vip" | "dnsrr";
  /**
   * List of exposed ports that this service is accessible on from the
   * outside. Ports can only be provided if `vip` resolution mode is used.
   */
  Ports?: EndpointPortConfig[];
}

export interface Service {
  ID?: string;
  Version?: ObjectVersion;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: ServiceSpec;
  Endpoint?: {
    Spec?: EndpointSpec;
    Ports?: EndpointPortConfig[];
    VirtualIPs?: {
      NetworkID?: string;
      Addr?: string;
    }[];
  };
  /** The status of a service update. */
  UpdateStatus?: {
    State?: "updating" | "paused" | "completed";
    StartedAt?: string;
    CompletedAt?: string;
    Message?: string;
  };
  /**
   * The status of the service's tasks. Provided only when requested as
   * part of a ServiceList operation.
   */
  ServiceStatus?: {
    /** The number of tasks for the service currently in the Running state. */
    RunningTasks?: number;
    /**
     * The number of tasks for the service desired to be running.
     * For replicated services, this is the replica count from the
     * service spec. For global services, this is computed by taking
     * count of all tasks for the service with a Desired State other
     * than Shutdown.
     */
    DesiredTasks?: number;
    /**
     * The number of tasks for a job that are in the Completed state.
     * This field must be cross-referenced with the service type, as the
     * value of 0 may mean the service is not in a job mode, or it may
     * mean the job-mode service has no tasks yet Completed.
     */
    CompletedTasks?: number;
  };
  /**
   * The status of the service when it is in one of ReplicatedJob or
   * GlobalJob modes. Absent on Replicated and Global mode services. The
   * JobIteration is an ObjectVersion, but unlike the Service's version,
   * does not need to be sent with an update request.
   */
  JobStatus?: {
    /**
     * JobIteration is a value increased each time a Job is executed,
     * successfully or otherwise. "Executed", in this case, means the
     * job as a whole has been started, not that an individual Task has
     * been launched. A job is "Executed" when its ServiceSpec is
     * updated. JobIteration can be used to disambiguate Tasks belonging
     * to different executions of a job.  Though JobIteration will
     * increase with each subsequent execution, it may not necessarily
     * increase by 1, and so JobIteration should not be used to
     */
    JobIteration?: ObjectVersion;
    /**
     * The last time, as observed by the server, that this job was
     * started.
     */
    LastExecution?: string;
  };
}

export interface ImageDeleteResponseItem {
  /** The image ID of an image that was untagged */
  Untagged?: string;
  /** The image ID of an image that was deleted */
  Deleted?: string;
}

/**
 * contains the information returned to a client on the
 * creation of a new service.
 */
export interface ServiceCreateResponse {
  /** The ID of the created service. */
  ID?: string;
  /**
   * Optional warning message.
   *
   * FIXME(thaJeztah): this should have "omitempty" in the generated type.
   */
  Warnings?: string[] | null;
}

export interface ServiceUpdateResponse {
  /** Optional warning messages */
  Warnings?: string[];
}

export interface ContainerInspectResponse {
  /** The ID of this container as a 128-bit (64-character) hexadecimal string (32 bytes). */
  Id?: string;
  /**
   * Date and time at which the container was created, formatted in
   * [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt) format with nano-seconds.
   */
  Created?: string | null;
  /** The path to the command being run */
  Path?: string;
  /** The arguments to the command being run */
  Args?: string[];
  State?: ContainerState;
  /** The ID (digest) of the image that this container was created from. */
  Image?: string;
  /**
   * Location of the `/etc/resolv.conf` generated for the container on the
   * host.
   *
   * This file is managed through the docker daemon, and should not be
   * accessed or modified by other tools.
   */
  ResolvConfPath?: string;
  /**
   * Location of the `/etc/hostname` generated for the container on the
   * host.
   *
   * This file is managed through the docker daemon, and should not be
   * accessed or modified by other tools.
   */
  HostnamePath?: string;
  /**
   * Location of the `/etc/hosts` generated for the container on the
   * host.
   *
   * This file is managed through the docker daemon, and should not be
   * accessed or modified by other tools.
   */
  HostsPath?: string;
  /**
   * Location of the file used to buffer the container's logs. Depending on
   * the logging-driver used for the container, this field may be omitted.
   *
   * This file is managed through the docker daemon, and should not be
   * accessed or modified by other tools.
   */
  LogPath?: string | null;
  /**
   * The name associated with this container.
   *
   * For historic reasons, the name may be prefixed with a forward-slash (`/`).
   */
  Name?: string;
  /**
   * Number of times the container was restarted since it was created,
   * or since daemon was started.
   */
  RestartCount?: number;
  /**
   * The storage-driver used for the container's filesystem (graph-driver
   * or snapshotter).
   */
  Driver?: string;
  /**
   * The platform (operating system) for which the container was created.
   *
   * This field was introduced for the experimental "LCOW" (Linux Containers
   * On Windows) features, which has been removed. In most cases, this field
   * is equal to the host's operating system (`linux` or `windows`).
   */
  Platform?: string;
  /**
   * OCI descriptor of the platform-specific manifest of the image
   * the container was created from.
   *
   * Note: Only available if the daemon provides a multi-platform
   * image store.
   */
  ImageManifestDescriptor?: OCIDescriptor;
  /** SELinux mount label set for the container. */
  MountLabel?: string;
  /** SELinux process label set for the container. */
  ProcessLabel?: string;
  /** The AppArmor profile set for the container. */
  AppArmorProfile?: string;
  /** IDs of exec instances that are running in the container. */
  ExecIDs?: string[] | null;
  HostConfig?: HostConfig;
  GraphDriver?: DriverData | null;
  Storage?: Storage | null;
  /**
   * The size of files that have been created or changed by this container.
   *
   * This field is omitted by default, and only set when size is requested
   * in the API request.
   */
  SizeRw?: number | null;
  /**
   * The total size of all files in the read-only layers from the image
   * that the container uses. These layers can be shared between containers.
   *
   * This field is omitted by default, and only set when size is requested
   * in the API request.
   */
  SizeRootFs?: number | null;
  /** List of mounts used by the container. */
  Mounts?: MountPoint[];
  Config?: ContainerConfig;
  NetworkSettings?: NetworkSettings;
}

export interface ContainerSummary {
  /** The ID of this container as a 128-bit (64-character) hexadecimal string (32 bytes). */
  Id?: string;
  /**
   * The names associated with this container. Most containers have a single
   * name, but when using legacy "links", the container can have multiple
   * names.
   *
   * For historic reasons, names are prefixed with a forward-slash (`/`).
   */
  Names?: string[];
  /**
   * The name or ID of the image used to create the container.
   *
   * This field shows the image reference as was specified when creating the container,
   * which can be in its canonical form (e.g., `docker.io/library/ubuntu:latest`
   * or `docker.io/library/ubuntu@sha256:72297848456d5d37d1262630108ab308d3e9ec7ed1c3286a32fe09856619a782`),
   * short form (e.g., `ubuntu:latest`)), or the ID(-prefix) of the image (e.g., `72297848456d`).
   *
   * The content of this field can be updated at runtime if the image used to
   * create the container is untagged, in which case the field is updated to
   * contain the the image ID (digest) it was resolved to in its canonical,
   * non-truncated form (e.g., `sha256:72297848456d5d37d1262630108ab308d3e9ec7ed1c3286a32fe09856619a782`).
   */
  Image?: string;
  /** The ID (digest) of the image that this container was created from. */
  ImageID?: string;
  /**
   * OCI descriptor of the platform-specific manifest of the image
   * the container was created from.
   *
   * Note: Only available if the daemon provides a multi-platform
   * image store.
   *
   * This field is not populated in the `GET /system/df` endpoint.
   */
  ImageManifestDescriptor?: OCIDescriptor | null;
  /** Command to run when starting the container */
  Command?: string;
  /**
   * Date and time at which the container was created as a Unix timestamp
   * (number of seconds since EPOCH).
   */
  Created?: number;
  /** Port-mappings for the container. */
  Ports?: PortSummary[];
  /**
   * The size of files that have been created or changed by this container.
   *
   * This field is omitted by default, and only set when size is requested
   * in the API request.
   */
  SizeRw?: number | null;
  /**
   * The total size of all files in the read-only layers from the image
   * that the container uses. These layers can be shared between containers.
   *
   * This field is omitted by default, and only set when size is requested
   * in the API request.
   */
  SizeRootFs?: number | null;
  /** User-defined key/value metadata. */
  Labels?: { [key: string]: string };
  /** The state of this container. */
  State?: "created" | "running" | "paused" | "restarting" | "exited" | "removing" | "dead";
  /** Additional human-readable status of this container (e.g. `Exit 0`) */
  Status?: string;
  /**
   * Summary of host-specific runtime information of the container. This
   * is a reduced set of information in the container's "HostConfig" as
   * available in the container "inspect" response.
   */
  HostConfig?: {
    /**
     * Networking mode (`host`, `none`, `container:<id>`) or name of the
     * primary network the container is using.
     *
     * This field is primarily for backward compatibility. The container
     * can be connected to multiple networks for which information can be
     * found in the `NetworkSettings.Networks` field, which enumerates
     * settings per network.
     */
    NetworkMode?: string;
    /** Arbitrary key-value metadata attached to the container. */
    Annotations?: { [key: string]: string } | null;
  };
  /** Summary of the container's network settings */
  NetworkSettings?: {
    /**
     * Summary of network-settings for each network the container is
     * attached to.
     */
    Networks?: { [key: string]: EndpointSettings };
  };
  /** List of mounts used by the container. */
  Mounts?: MountPoint[];
  /**
   * Summary of health status
   *
   * Added in v1.52, before that version all container summary not include Health.
   * After this attribute introduced, it includes containers with no health checks configured,
   * or containers that are not running with none
   */
  Health?: {
    /** the health status of the container */
    Status?: "none" | "starting" | "healthy" | "unhealthy";
    /** FailingStreak is the number of consecutive failures */
    FailingStreak?: number;
  };
}

/** represents system data usage information for container resources. */
export interface ContainersDiskUsage {
  /** Count of active containers. */
  ActiveCount?: number;
  /** Count of all containers. */
  TotalCount?: number;
  /** Disk space that can be reclaimed by removing inactive containers. */
  Reclaimable?: number;
  /** Disk space in use by containers. */
  TotalSize?: number;
  /** List of container summaries. */
  Items?: unknown[];
}

/** Driver represents a driver (network, logging, secrets). */
export interface Driver {
  /** Name of the driver. */
  Name: string;
  /** Key/value map of driver-specific options. */
  Options?: { [key: string]: string };
}

export interface SecretSpec {
  /** User-defined name of the secret. */
  Name?: string;
  /** User-defined key/value metadata. */
  Labels?: { [key: string]: string };
  /**
   * Data is the data to store as a secret, formatted as a standard base64-encoded
   * ([RFC 4648](https://tools.ietf.org/html/rfc4648#section-4)) string.
   * It must be empty if the Driver field is set, in which case the data is
   * loaded from an external secret store. The maximum allowed size is 500KB,
   * as defined in [MaxSecretSize](https://pkg.go.dev/github.com/moby/swarmkit/v2@v2.0.0/api/validation#MaxSecretSize).
   *
   * This field is only used to _create_ a secret, and is not returned by
   * other endpoints.
   */
  Data?: string;
  /**
   * Name of the secrets driver used to fetch the secret's value from an
   * external secret store.
   */
  Driver?: Driver;
  /**
   * Templating driver, if applicable
   *
   * Templating controls whether and how to evaluate the config payload as
   * a template. If no driver is set, no templating is used.
   */
  Templating?: Driver;
}

export interface Secret {
  ID?: string;
  Version?: ObjectVersion;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: SecretSpec;
}

export interface ConfigSpec {
  /** User-defined name of the config. */
  Name?: string;
  /** User-defined key/value metadata. */
  Labels?: { [key: string]: string };
  /**
   * Data is the data to store as a config, formatted as a standard base64-encoded
   * ([RFC 4648](https://tools.ietf.org/html/rfc4648#section-4)) string.
   * The maximum allowed size is 1000KB, as defined in [MaxConfigSize](https://pkg.go.dev/github.com/moby/swarmkit/v2@v2.0.0-20250103191802-8c1959736554/manager/controlapi#MaxConfigSize).
   */
  Data?: string;
  /**
   * Templating driver, if applicable
   *
   * Templating controls whether and how to evaluate the config payload as
   * a template. If no driver is set, no templating is used.
   */
  Templating?: Driver;
}

export interface Config {
  ID?: string;
  Version?: ObjectVersion;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: ConfigSpec;
}

/**
 * ContainerState stores container's running state. It's part of ContainerJSONBase
 * and will be returned by the "inspect" command.
 */
export type ContainerState = {
  /**
   * String representation of the container state. Can be one of "created",
   * "running", "paused", "restarting", "removing", "exited", or "dead".
   */
  Status?: "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";
  /**
   * Whether this container is running.
   *
   * Note that a running container can be _paused_. The `Running` and `Paused`
   * booleans are not mutually exclusive:
   *
   * When pausing a container (on Linux), the freezer cgroup is used to suspend
   * all processes in the container. Freezing the process requires the process to
   * be running. As a result, paused containers are both `Running` _and_ `Paused`.
   *
   * Use the `Status` field instead to determine if a container's state is "running".
   */
  Running?: boolean;
  /** Whether this container is paused. */
  Paused?: boolean;
  /** Whether this container is restarting. */
  Restarting?: boolean;
  /**
   * Whether a process within this container has been killed because it ran
   * out of memory since the container was last started.
   */
  OOMKilled?: boolean;
  Dead?: boolean;
  /** The process ID of this container */
  Pid?: number;
  /** The last exit code of this container */
  ExitCode?: number;
  Error?: string;
  /** The time when this container was last started. */
  StartedAt?: string;
  /** The time when this container last exited. */
  FinishedAt?: string;
  Health?: Health;
} | null;

/** OK response to ContainerCreate operation */
export interface ContainerCreateResponse {
  /** The ID of the created container */
  Id: string;
  /** Warnings encountered when creating the container */
  Warnings: string[];
}

/** Response for a successful container-update. */
export interface ContainerUpdateResponse {
  /** Warnings encountered when updating the container. */
  Warnings?: string[];
}

/** Statistics sample for a container. */
export interface ContainerStatsResponse {
  /** ID of the container for which the stats were collected. */
  id?: string | null;
  /** Name of the container for which the stats were collected. */
  name?: string | null;
  /**
   * OSType is the OS of the container ("linux" or "windows") to allow
   * platform-specific handling of stats.
   */
  os_type?: string | null;
  /**
   * Date and time at which this sample was collected.
   * The value is formatted as [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt)
   * with nano-seconds.
   */
  read?: string;
  cpu_stats?: ContainerCPUStats;
  memory_stats?: ContainerMemoryStats;
  /**
   * Network statistics for the container per interface.
   *
   * This field is omitted if the container has no networking enabled.
   */
  networks?: { [key: string]: ContainerNetworkStats } | null;
  pids_stats?: ContainerPidsStats;
  blkio_stats?: ContainerBlkioStats;
  /**
   * The number of processors on the system.
   *
   * This field is Windows-specific and always zero for Linux containers.
   */
  num_procs?: number;
  storage_stats?: ContainerStorageStats;
  /**
   * Date and time at which this first sample was collected. This field
   * is not propagated if the "one-shot" option is set. If the "one-shot"
   * option is set, this field may be omitted, empty, or set to a default
   * date (`0001-01-01T00:00:00Z`).
   *
   * The value is formatted as [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt)
   * with nano-seconds.
   */
  preread?: string;
  precpu_stats?: ContainerCPUStats;
}

/**
 * BlkioStats stores all IO service stats for data read and write.
 *
 * This type is Linux-specific and holds many fields that are specific to cgroups v1.
 * On a cgroup v2 host, all fields other than `io_service_bytes_recursive`
 * are omitted or `null`.
 *
 * This type is only populated on Linux and omitted for Windows containers.
 */
export type ContainerBlkioStats = {
  io_service_bytes_recursive?: ContainerBlkioStatEntry[];
  /**
   * This field is only available when using Linux containers with
   * cgroups v1. It is omitted or `null` when using cgroups v2.
   */
  io_serviced_recursive?: ContainerBlkioStatEntry[] | null;
  /**
   * This field is only available when using Linux containers with
   * cgroups v1. It is omitted or `null` when using cgroups v2.
   */
  io_queue_recursive?: ContainerBlkioStatEntry[] | null;
  /**
   * This field is only available when using Linux containers with
   * cgroups v1. It is omitted or `null` when using cgroups v2.
   */
  io_service_time_recursive?: ContainerBlkioStatEntry[] | null;
  /**
   * This field is only available when using Linux containers with
   * cgroups v1. It is omitted or `null` when using cgroups v2.
   */
  io_wait_time_recursive?: ContainerBlkioStatEntry[] | null;
  /**
   * This field is only available when using Linux containers with
   * cgroups v1. It is omitted or `null` when using cgroups v2.
   */
  io_merged_recursive?: ContainerBlkioStatEntry[] | null;
  /**
   * This field is only available when using Linux containers with
   * cgroups v1. It is omitted or `null` when using cgroups v2.
   */
  io_time_recursive?: ContainerBlkioStatEntry[] | null;
  /**
   * This field is only available when using Linux containers with
   * cgroups v1. It is omitted or `null` when using cgroups v2.
   */
  sectors_recursive?: ContainerBlkioStatEntry[] | null;
} | null;

/**
 * Blkio stats entry.
 *
 * This type is Linux-specific and omitted for Windows containers.
 */
export type ContainerBlkioStatEntry = {
  major?: number;
  minor?: number;
  op?: string;
  value?: number;
} | null;

/** CPU related info of the container */
export type ContainerCPUStats = {
  cpu_usage?: ContainerCPUUsage;
  /**
   * System Usage.
   *
   * This field is Linux-specific and omitted for Windows containers.
   */
  system_cpu_usage?: number | null;
  /**
   * Number of online CPUs.
   *
   * This field is Linux-specific and omitted for Windows containers.
   */
  online_cpus?: number | null;
  throttling_data?: ContainerThrottlingData;
} | null;

/** All CPU stats aggregated since container inception. */
export type ContainerCPUUsage = {
  /** Total CPU time consumed in nanoseconds (Linux) or 100's of nanoseconds (Windows). */
  total_usage?: number;
  /**
   * Total CPU time (in nanoseconds) consumed per core (Linux).
   *
   * This field is Linux-specific when using cgroups v1. It is omitted
   * when using cgroups v2 and Windows containers.
   */
  percpu_usage?: number[] | null;
  /**
   * Time (in nanoseconds) spent by tasks of the cgroup in kernel mode (Linux),
   * or time spent (in 100's of nanoseconds) by all container processes in
   * kernel mode (Windows).
   *
   * Not populated for Windows containers using Hyper-V isolation.
   */
  usage_in_kernelmode?: number;
  /**
   * Time (in nanoseconds) spent by tasks of the cgroup in user mode (Linux),
   * or time spent (in 100's of nanoseconds) by all container processes in
   * kernel mode (Windows).
   *
   * Not populated for Windows containers using Hyper-V isolation.
   */
  usage_in_usermode?: number;
} | null;

/**
 * PidsStats contains Linux-specific stats of a container's process-IDs (PIDs).
 *
 * This type is Linux-specific and omitted for Windows containers.
 */
export type ContainerPidsStats = {
  /** Current is the number of PIDs in the cgroup. */
  current?: number | null;
  /**
   * Limit is the hard limit on the number of pids in the cgroup.
   * A "Limit" of 0 means that there is no limit.
   */
  limit?: number | null;
} | null;

/**
 * CPU throttling stats of the container.
 *
 * This type is Linux-specific and omitted for Windows containers.
 */
export type ContainerThrottlingData = {
  /** Number of periods with throttling active. */
  periods?: number;
  /** Number of periods when the container hit its throttling limit. */
  throttled_periods?: number;
  /** Aggregated time (in nanoseconds) the container was throttled for. */
  throttled_time?: number;
} | null;

/**
 * Aggregates all memory stats since container inception on Linux.
 * Windows returns stats for commit and private working set only.
 */
export interface ContainerMemoryStats {
  /**
   * Current `res_counter` usage for memory.
   *
   * This field is Linux-specific and omitted for Windows containers.
   */
  usage?: number | null;
  /**
   * Maximum usage ever recorded.
   *
   * This field is Linux-specific and only supported on cgroups v1.
   * It is omitted when using cgroups v2 and for Windows containers.
   */
  max_usage?: number | null;
  /**
   * All the stats exported via memory.stat.
   *
   * The fields in this object differ between cgroups v1 and v2.
   * On cgroups v1, fields such as `cache`, `rss`, `mapped_file` are available.
   * On cgroups v2, fields such as `file`, `anon`, `inactive_file` are available.
   *
   * This field is Linux-specific and omitted for Windows containers.
   */
  stats?: { [key: string]: number | null };
  /**
   * Number of times memory usage hits limits.
   *
   * This field is Linux-specific and only supported on cgroups v1.
   * It is omitted when using cgroups v2 and for Windows containers.
   */
  failcnt?: number | null;
  /** This field is Linux-specific and omitted for Windows containers. */
  limit?: number | null;
  /**
   * Committed bytes.
   *
   * This field is Windows-specific and omitted for Linux containers.
   */
  commitbytes?: number | null;
  /**
   * Peak committed bytes.
   *
   * This field is Windows-specific and omitted for Linux containers.
   */
  commitpeakbytes?: number | null;
  /**
   * Private working set.
   *
   * This field is Windows-specific and omitted for Linux containers.
   */
  privateworkingset?: number | null;
}

/** Aggregates the network stats of one container */
export type ContainerNetworkStats = {
  /** Bytes received. Windows and Linux. */
  rx_bytes?: number;
  /** Packets received. Windows and Linux. */
  rx_packets?: number;
  /**
   * Received errors. Not used on Windows.
   *
   * This field is Linux-specific and always zero for Windows containers.
   */
  rx_errors?: number;
  /** Incoming packets dropped. Windows and Linux. */
  rx_dropped?: number;
  /** Bytes sent. Windows and Linux. */
  tx_bytes?: number;
  /** Packets sent. Windows and Linux. */
  tx_packets?: number;
  /**
   * Sent errors. Not used on Windows.
   *
   * This field is Linux-specific and always zero for Windows containers.
   */
  tx_errors?: number;
  /** Outgoing packets dropped. Windows and Linux. */
  tx_dropped?: number;
  /**
   * Endpoint ID. Not used on Linux.
   *
   * This field is Windows-specific and omitted for Linux containers.
   */
  endpoint_id?: string | null;
  /**
   * Instance ID. Not used on Linux.
   *
   * This field is Windows-specific and omitted for Linux containers.
   */
  instance_id?: string | null;
} | null;

/**
 * StorageStats is the disk I/O stats for read/write on Windows.
 *
 * This type is Windows-specific and omitted for Linux containers.
 */
export type ContainerStorageStats = {
  read_count_normalized?: number | null;
  read_size_bytes?: number | null;
  write_count_normalized?: number | null;
  write_size_bytes?: number | null;
} | null;

/** Container "top" response. */
export interface ContainerTopResponse {
  /** The ps column titles */
  Titles?: string[];
  /**
   * Each process running in the container, where each process
   * is an array of values corresponding to the titles.
   */
  Processes?: string[][];
}

/** OK response to ContainerWait operation */
export interface ContainerWaitResponse {
  /** Exit code of the container */
  StatusCode: number;
  Error?: ContainerWaitExitError;
}

/** container waiting error, if any */
export interface ContainerWaitExitError {
  /** Details of an error */
  Message?: string;
}

/** Response of Engine API: GET "/version" */
export interface SystemVersion {
  Platform?: {
    Name: string;
  };
  /** Information about system components */
  Components?: Array<{
    /** Name of the component */
    Name: string;
    /** Version of the component */
    Version: string;
    /**
     * Key/value pairs of strings with additional information about the
     * component. These values are intended for informational purposes
     * only, and their content is not defined, and not part of the API
     * specification.
     *
     * These messages can be printed by the client as information to the user.
     */
    Details?: { [key: string]: unknown } | null;
  }>;
  /** The version of the daemon */
  Version?: string;
  /** The default (and highest) API version that is supported by the daemon */
  ApiVersion?: string;
  /** The minimum API version that is supported by the daemon */
  MinAPIVersion?: string;
  /** The Git commit of the source code that was used to build the daemon */
  GitCommit?: string;
  /**
   * The version Go used to compile the daemon, and the version of the Go
   * runtime in use.
   */
  GoVersion?: string;
  /** The operating system that the daemon is running on ("linux" or "windows") */
  Os?: string;
  /**
   * Architecture of the daemon, as returned by the Go runtime (`GOARCH`).
   *
   * A full list of possible values can be found in the [Go documentation](https://go.dev/doc/install/source#environment).
   */
  Arch?: string;
  /**
   * The kernel version (`uname -r`) that the daemon is running on.
   *
   * This field is omitted when empty.
   */
  KernelVersion?: string;
  /**
   * Indicates if the daemon is started with experimental features enabled.
   *
   * This field is omitted when empty / false.
   */
  Experimental?: boolean;
  /** The date and time that the daemon was compiled. */
  BuildTime?: string;
}

export interface SystemInfo {
  /**
   * Unique identifier of the daemon.
   *
   * <p><br /></p>
   *
   * > **Note**: The format of the ID itself is not part of the API, and
   * > should not be considered stable.
   */
  ID?: string;
  /** Total number of containers on the host. */
  Containers?: number;
  /** Number of containers with status `"running"`. */
  ContainersRunning?: number;
  /** Number of containers with status `"paused"`. */
  ContainersPaused?: number;
  /** Number of containers with status `"stopped"`. */
  ContainersStopped?: number;
  /**
   * Total number of images on the host.
   *
   * Both _tagged_ and _untagged_ (dangling) images are counted.
   */
  Images?: number;
  /** Name of the storage driver in use. */
  Driver?: string;
  /**
   * Information specific to the storage driver, provided as
   * "label" / "value" pairs.
   *
   * This information is provided by the storage driver, and formatted
   * in a way consistent with the output of `docker info` on the command
   * line.
   *
   * <p><br /></p>
   *
   * > **Note**: The information returned in this field, including the
   * > formatting of values and labels, should not be considered stable,
   * > and may change without notice.
   */
  DriverStatus?: string[][];
  /**
   * Root directory of persistent Docker state.
   *
   * Defaults to `/var/lib/docker` on Linux, and `C:\ProgramData\docker`
   * on Windows.
   */
  DockerRootDir?: string;
  Plugins?: PluginsInfo;
  /** Indicates if the host has memory limit support enabled. */
  MemoryLimit?: boolean;
  /** Indicates if the host has memory swap limit support enabled. */
  SwapLimit?: boolean;
  /**
   * Indicates if CPU CFS(Completely Fair Scheduler) period is supported by
   * the host.
   */
  CpuCfsPeriod?: boolean;
  /**
   * Indicates if CPU CFS(Completely Fair Scheduler) quota is supported by
   * the host.
   */
  CpuCfsQuota?: boolean;
  /** Indicates if CPU Shares limiting is supported by the host. */
  CPUShares?: boolean;
  /**
   * Indicates if CPUsets (cpuset.cpus, cpuset.mems) are supported by the host.
   *
   * See [cpuset(7)](https://www.kernel.org/doc/Documentation/cgroup-v1/cpusets.txt)
   */
  CPUSet?: boolean;
  /** Indicates if the host kernel has PID limit support enabled. */
  PidsLimit?: boolean;
  /** Indicates if OOM killer disable is supported on the host. */
  OomKillDisable?: boolean;
  /** Indicates IPv4 forwarding is enabled. */
  IPv4Forwarding?: boolean;
  /**
   * Indicates if the daemon is running in debug-mode / with debug-level
   * logging enabled.
   */
  Debug?: boolean;
  /**
   * The total number of file Descriptors in use by the daemon process.
   *
   * This information is only returned if debug-mode is enabled.
   */
  NFd?: number;
  /**
   * The  number of goroutines that currently exist.
   *
   * This information is only returned if debug-mode is enabled.
   */
  NGoroutines?: number;
  /**
   * Current system-time in [RFC 3339](https://www.ietf.org/rfc/rfc3339.txt)
   * format with nano-seconds.
   */
  SystemTime?: string;
  /** The logging driver to use as a default for new containers. */
  LoggingDriver?: string;
  /** The driver to use for managing cgroups. */
  CgroupDriver?: "cgroupfs" | "systemd" | "none";
  /** The version of the cgroup. */
  CgroupVersion?: "1" | "2";
  /** Number of event listeners subscribed. */
  NEventsListener?: number;
  /**
   * Kernel version of the host.
   *
   * On Linux, this information obtained from `uname`. On Windows this
   * information is queried from the <kbd>HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\</kbd>
   * registry value, for example _"10.0 14393 (14393.1198.amd64fre.rs1_release_sec.170427-1353)"_.
   */
  KernelVersion?: string;
  /**
   * Name of the host's operating system, for example: "Ubuntu 24.04 LTS"
   * or "Windows Server 2016 Datacenter"
   */
  OperatingSystem?: string;
  /**
   * Version of the host's operating system
   *
   * <p><br /></p>
   *
   * > **Note**: The information returned in this field, including its
   * > very existence, and the formatting of values, should not be considered
   * > stable, and may change without notice.
   */
  OSVersion?: string;
  /**
   * Generic type of the operating system of the host, as returned by the
   * Go runtime (`GOOS`).
   *
   * Currently returned values are "linux" and "windows". A full list of
   * possible values can be found in the [Go documentation](https://go.dev/doc/install/source#environment).
   */
  OSType?: string;
  /**
   * Hardware architecture of the host, as returned by the operating system.
   * This is equivalent to the output of `uname -m` on Linux.
   *
   * Unlike `Arch` (from `/version`), this reports the machine's native
   * architecture, which can differ from the Go runtime architecture when
   * running a binary compiled for a different architecture (for example,
   * a 32-bit binary running on 64-bit hardware).
   */
  Architecture?: string;
  /**
   * The number of logical CPUs usable by the daemon.
   *
   * The number of available CPUs is checked by querying the operating
   * system when the daemon starts. Changes to operating system CPU
   * allocation after the daemon is started are not reflected.
   */
  NCPU?: number;
  /** Total amount of physical memory available on the host, in bytes. */
  MemTotal?: number;
  /**
   * Address / URL of the index server that is used for image search,
   * and as a default for user authentication for Docker Hub and Docker Cloud.
   */
  IndexServerAddress?: string;
  RegistryConfig?: RegistryServiceConfig;
  GenericResources?: GenericResources;
  /**
   * HTTP-proxy configured for the daemon. This value is obtained from the
   * [`HTTP_PROXY`](https://www.gnu.org/software/wget/manual/html_node/Proxies.html) environment variable.
   * Credentials ([user info component](https://tools.ietf.org/html/rfc3986#section-3.2.1)) in the proxy URL
   * are masked in the API response.
   *
   * Containers do not automatically inherit this configuration.
   */
  HttpProxy?: string;
  /**
   * HTTPS-proxy configured for the daemon. This value is obtained from the
   * [`HTTPS_PROXY`](https://www.gnu.org/software/wget/manual/html_node/Proxies.html) environment variable.
   * Credentials ([user info component](https://tools.ietf.org/html/rfc3986#section-3.2.1)) in the proxy URL
   * are masked in the API response.
   *
   * Containers do not automatically inherit this configuration.
   */
  HttpsProxy?: string;
  /**
   * Comma-separated list of domain extensions for which no proxy should be
   * used. This value is obtained from the [`NO_PROXY`](https://www.gnu.org/software/wget/manual/html_node/Proxies.html)
   * environment variable.
   *
   * Containers do not automatically inherit this configuration.
   */
  NoProxy?: string;
  /** Hostname of the host. */
  Name?: string;
  /**
   * User-defined labels (key/value metadata) as set on the daemon.
   *
   * <p><br /></p>
   *
   * > **Note**: When part of a Swarm, nodes can both have _daemon_ labels,
   * > set through the daemon configuration, and _node_ labels, set from a
   * > manager node in the Swarm. Node labels are not included in this
   * > field. Node labels can be retrieved using the `/nodes/(id)` endpoint
   * > on a manager node in the Swarm.
   */
  Labels?: string[];
  /** Indicates if experimental features are enabled on the daemon. */
  ExperimentalBuild?: boolean;
  /** Version string of the daemon. */
  ServerVersion?: string;
  /**
   * List of [OCI compliant](https://github.com/opencontainers/runtime-spec)
   * runtimes configured on the daemon. Keys hold the "name" used to
   * reference the runtime.
   *
   * The Docker daemon relies on an OCI compliant runtime (invoked via the
   * `containerd` daemon) as its interface to the Linux kernel namespaces,
   * cgroups, and SELinux.
   *
   * The default runtime is `runc`, and automatically configured. Additional
   * runtimes can be configured by the user and will be listed here.
   */
  Runtimes?: { [key: string]: Runtime };
  /**
   * Name of the default OCI runtime that is used when starting containers.
   *
   * The default can be overridden per-container at create time.
   */
  DefaultRuntime?: string;
  Swarm?: SwarmInfo;
  /**
   * Indicates if live restore is enabled.
   *
   * If enabled, containers are kept running when the daemon is shutdown
   * or upon daemon start if running containers are detected.
   */
  LiveRestoreEnabled?: boolean;
  /**
   * Represents the isolation technology to use as a default for containers.
   * The supported values are platform-specific.
   *
   * If no isolation value is specified on daemon start, on Windows client,
   * the default is `hyperv`, and on Windows server, the default is `process`.
   *
   * This option is currently not used on other platforms.
   */
  Isolation?: "default" | "hyperv" | "process" | "";
  /**
   * Name and, optional, path of the `docker-init` binary.
   *
   * If the path is omitted, the daemon searches the host's `$PATH` for the
   * binary and uses the first result.
   */
  InitBinary?: string;
  ContainerdCommit?: Commit;
  RuncCommit?: Commit;
  InitCommit?: Commit;
  /**
   * List of security features that are enabled on the daemon, such as
   * apparmor, seccomp, SELinux, user-namespaces (userns), rootless and
   * no-new-privileges.
   *
   * Additional configuration options for each security feature may
   * be present, and are included as a comma-separated list of key/value
   * pairs.
   */
  SecurityOptions?: string[];
  /**
   * Reports a summary of the product license on the daemon.
   *
   * If a commercial license has been applied to the daemon, information
   * such as number of nodes, and expiration are included.
   */
  ProductLicense?: string;
  /**
   * List of custom default address pools for local networks, which can be
   * specified in the daemon.json file or dockerd option.
   *
   * Example: a Base "10.10.0.0/16" with Size 24 will define the set of 256
   * 10.10.[0-255].0/24 address pools.
   */
  DefaultAddressPools?: {
    /** The network address in CIDR format */
    Base?: string;
    /** The network pool size */
    Size?: number;
  }[];
  FirewallBackend?: FirewallInfo;
  /**
   * List of devices discovered by device drivers.
   *
   * Each device includes information about its source driver, kind, name,
   * and additional driver-specific attributes.
   */
  DiscoveredDevices?: DeviceInfo[];
  NRI?: NRIInfo;
  /**
   * List of warnings / informational messages about missing features, or
   * issues related to the daemon configuration.
   *
   * These messages can be printed by the client as information to the user.
   */
  Warnings?: string[];
  /**
   * List of directories where (Container Device Interface) CDI
   * specifications are located.
   *
   * These specifications define vendor-specific modifications to an OCI
   * runtime specification for a container being created.
   *
   * An empty list indicates that CDI device injection is disabled.
   *
   * Note that since using CDI device injection requires the daemon to have
   * experimental enabled. For non-experimental daemons an empty list will
   * always be returned.
   */
  CDISpecDirs?: string[];
  Containerd?: ContainerdInfo;
}

/**
 * Information for connecting to the containerd instance that is used by the daemon.
 * This is included for debugging purposes only.
 */
export type ContainerdInfo = {
  /** The address of the containerd socket. */
  Address?: string;
  /**
   * The namespaces that the daemon uses for running containers and
   * plugins in containerd. These namespaces can be configured in the
   * daemon configuration, and are considered to be used exclusively
   * by the daemon, Tampering with the containerd instance may cause
   * unexpected behavior.
   *
   * As these namespaces are considered to be exclusively accessed
   * by the daemon, it is not recommended to change these values,
   * or to change them to a value that is used by other systems,
   * such as cri-containerd.
   */
  Namespaces?: {
    /**
     * The default containerd namespace used for containers managed
     * by the daemon.
     *
     * The default namespace for containers is "moby", but will be
     * suffixed with the `<uid>.<gid>` of the remapped `root` if
     * user-namespaces are enabled and the containerd image-store
     * is used.
     */
    Containers?: string;
    /**
     * The default containerd namespace used for plugins managed by
     * the daemon.
     *
     * The default namespace for plugins is "plugins.moby", but will be
     * suffixed with the `<uid>.<gid>` of the remapped `root` if
     * user-namespaces are enabled and the containerd image-store
     * is used.
     */
    Plugins?: string;
  };
} | null;

/**
 * Information about the daemon's firewalling configuration.
 *
 * This field is currently only used on Linux, and omitted on other platforms.
 */
export type FirewallInfo = {
  /** The name of the firewall backend driver. */
  Driver?: string;
  /**
   * Information about the firewall backend, provided as
   * "label" / "value" pairs.
   *
   * <p><br /></p>
   *
   * > **Note**: The information returned in this field, including the
   * > formatting of values and labels, should not be considered stable,
   * > and may change without notice.
   */
  Info?: string[][];
} | null;

/**
 * Available plugins per type.
 *
 * <p><br /></p>
 *
 * > **Note**: Only unmanaged (V1) plugins are included in this list.
 * > V1 plugins are "lazily" loaded, and are not returned in this list
 * > if there is no resource using the plugin.
 */
export interface PluginsInfo {
  /** Names of available volume-drivers, and network-driver plugins. */
  Volume?: string[];
  /** Names of available network-drivers, and network-driver plugins. */
  Network?: string[];
  /** Names of available authorization plugins. */
  Authorization?: string[];
  /** Names of available logging-drivers, and logging-driver plugins. */
  Log?: string[];
}

/** RegistryServiceConfig stores daemon registry services configuration. */
export type RegistryServiceConfig = {
  /**
   * List of IP ranges of insecure registries, using the CIDR syntax
   * ([RFC 4632](https://tools.ietf.org/html/4632)). Insecure registries
   * accept un-encrypted (HTTP) and/or untrusted (HTTPS with certificates
   * from unknown CAs) communication.
   *
   * By default, local registries (`::1/128` and `127.0.0.0/8`) are configured as
   * insecure. All other registries are secure. Communicating with an
   * insecure registry is not possible if the daemon assumes that registry
   * is secure.
   *
   * This configuration override this behavior, insecure communication with
   * registries whose resolved IP address is within the subnet described by
   * the CIDR syntax.
   *
   * Registries can also be marked insecure by hostname. Those registries
   * are listed under `IndexConfigs` and have their `Secure` field set to
   * `false`.
   *
   * > **Warning**: Using this option can be useful when running a local
   * > registry, but introduces security vulnerabilities. This option
   * > should therefore ONLY be used for testing purposes. For increased
   * > security, users should add their CA to their system's list of trusted
   * > CAs instead of enabling this option.
   */
  InsecureRegistryCIDRs?: string[];
  IndexConfigs?: { [key: string]: IndexInfo };
  /**
   * List of registry URLs that act as a mirror for the official
   * (`docker.io`) registry.
   */
  Mirrors?: string[];
} | null;

/** IndexInfo contains information about a registry. */
export type IndexInfo = {
  /** Name of the registry, such as "docker.io". */
  Name?: string;
  /** List of mirrors, expressed as URIs. */
  Mirrors?: string[];
  /**
   * Indicates if the registry is part of the list of insecure
   * registries.
   *
   * If `false`, the registry is insecure. Insecure registries accept
   * un-encrypted (HTTP) and/or untrusted (HTTPS with certificates from
   * unknown CAs) communication.
   *
   * > **Warning**: Insecure registries can be useful when running a local
   * > registry. However, because its use creates security vulnerabilities
   * > it should ONLY be enabled for testing purposes. For increased
   * > security, users should add their CA to their system's list of
   * > trusted CAs instead of enabling this option.
   */
  Secure?: boolean;
  /** Indicates whether this is an official registry (i.e., Docker Hub / docker.io) */
  Official?: boolean;
} | null;

/**
 * Runtime describes an [OCI compliant](https://github.com/opencontainers/runtime-spec)
 * runtime.
 *
 * The runtime is invoked by the daemon via the `containerd` daemon. OCI
 * runtimes act as an interface to the Linux kernel namespaces, cgroups,
 * and SELinux.
 */
export interface Runtime {
  /**
   * Name and, optional, path, of the OCI executable binary.
   *
   * If the path is omitted, the daemon searches the host's `$PATH` for the
   * binary and uses the first result.
   */
  path?: string;
  /** List of command-line arguments to pass to the runtime when invoked. */
  runtimeArgs?: string[] | null;
  /**
   * Information specific to the runtime.
   *
   * While this API specification does not define data provided by runtimes,
   * the following well-known properties may be provided by runtimes:
   *
   * `org.opencontainers.runtime-spec.features`: features structure as defined
   * in the [OCI Runtime Specification](https://github.com/opencontainers/runtime-spec/blob/main/features.md),
   * in a JSON string representation.
   *
   * <p><br /></p>
   *
   * > **Note**: The information returned in this field, including the
   * > formatting of values and labels, should not be considered stable,
   * > and may change without notice.
   */
  status?: { [key: string]: string } | null;
}

/**
 * Commit holds the Git-commit (SHA1) that a binary was built from, as
 * reported in the version-string of external tools, such as `containerd`,
 * or `runC`.
 */
export interface Commit {
  /** Actual commit ID of external tool. */
  ID?: string;
}

/** Represents generic information about swarm. */
export interface SwarmInfo {
  /** Unique identifier of for this node in the swarm. */
  NodeID?: string;
  /**
   * IP address at which this node can be reached by other nodes in the
   * swarm.
   */
  NodeAddr?: string;
  LocalNodeState?: LocalNodeState;
  ControlAvailable?: boolean;
  Error?: string;
  /** List of ID's and addresses of other managers in the swarm. */
  RemoteManagers?: PeerNode[] | null;
  /** Total number of nodes in the swarm. */
  Nodes?: number | null;
  /** Total number of managers in the swarm. */
  Managers?: number | null;
  Cluster?: ClusterInfo;
}

/** Current local status of this node. */
export type LocalNodeState = "" | "inactive" | "pending" | "active" | "error" | "locked";

/** Represents a peer-node in the swarm */
export interface PeerNode {
  /** Unique identifier of for this node in the swarm. */
  NodeID?: string;
  /** IP address and ports at which this node can be reached. */
  Addr?: string;
}

/** Specifies how a service should be attached to a particular network. */
export interface NetworkAttachmentConfig {
  /** The target network for attachment. Must be a network name or ID. */
  Target?: string;
  /** Discoverable alternate names for the service on this network. */
  Aliases?: string[];
  /** Driver attachment options for the network target. */
  DriverOpts?: { [key: string]: string };
}

/**
 * Actor describes something that generates events, like a container, network,
 * or a volume.
 */
export interface EventActor {
  /** The ID of the object emitting the event */
  ID?: string;
  /** Various key/value attributes of the object, depending on its type. */
  Attributes?: { [key: string]: string };
}

/** EventMessage represents the information an event contains. */
export interface EventMessage {
  /** The type of object emitting the event */
  Type?: "builder" | "config" | "container" | "daemon" | "image" | "network" | "node" | "plugin" | "secret" | "service" | "volume";
  /** The type of event */
  Action?: string;
  Actor?: EventActor;
  /**
   * Scope of the event. Engine events are `local` scope. Cluster (Swarm)
   * events are `swarm` scope.
   */
  scope?: "local" | "swarm";
  /** Timestamp of event */
  time?: number;
  /** Timestamp of event, with nanosecond accuracy */
  timeNano?: number;
}

/**
 * A descriptor struct containing digest, media type, and size, as defined in
 * the [OCI Content Descriptors Specification](https://github.com/opencontainers/image-spec/blob/v1.0.1/descriptor.md).
 */
export interface OCIDescriptor {
  /** The media type of the object this schema refers to. */
  mediaType?: string;
  /** The digest of the targeted content. */
  digest?: string;
  /** The size in bytes of the blob. */
  size?: number;
  /** List of URLs from which this object MAY be downloaded. */
  urls?: string[] | null;
  /** Arbitrary metadata relating to the targeted content. */
  annotations?: { [key: string]: string } | null;
  /**
   * Data is an embedding of the targeted content. This is encoded as a base64
   * string when marshalled to JSON (automatically, by encoding/json). If
   * present, Data can be used directly to avoid fetching the targeted content.
   */
  data?: string | null;
  platform?: OCIPlatform;
  /** ArtifactType is the IANA media type of this artifact. */
  artifactType?: string | null;
}

/**
 * Describes the platform which the image in the manifest runs on, as defined
 * in the [OCI Image Index Specification](https://github.com/opencontainers/image-spec/blob/v1.0.1/image-index.md).
 */
export type OCIPlatform = {
  /** The CPU architecture, for example `amd64` or `ppc64`. */
  architecture?: string;
  /** The operating system, for example `linux` or `windows`. */
  os?: string;
  /**
   * Optional field specifying the operating system version, for example on
   * Windows `10.0.19041.1165`.
   */
  "os.version"?: string;
  /**
   * Optional field specifying an array of strings, each listing a required
   * OS feature (for example on Windows `win32k`).
   */
  "os.features"?: string[];
  /**
   * Optional field specifying a variant of the CPU, for example `v7` to
   * specify ARMv7 when architecture is `arm`.
   */
  variant?: string;
} | null;

/**
 * Describes the result obtained from contacting the registry to retrieve
 * image metadata.
 */
export interface DistributionInspect {
  Descriptor: OCIDescriptor;
  /** An array containing all platforms supported by the image. */
  Platforms: OCIPlatform[];
}

/**
 * Options and information specific to, and only present on, Swarm CSI
 * cluster volumes.
 */
export interface ClusterVolume {
  /**
   * The Swarm ID of this volume. Because cluster volumes are Swarm
   * objects, they have an ID, unlike non-cluster volumes. This ID can
   * be used to refer to the Volume instead of the name.
   */
  ID?: string;
  Version?: ObjectVersion;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: ClusterVolumeSpec;
  /** Information about the global status of the volume. */
  Info?: {
    /**
     * The capacity of the volume in bytes. A value of 0 indicates that
     * the capacity is unknown.
     */
    CapacityBytes?: number;
    /**
     * A map of strings to strings returned from the storage plugin when
     * the volume is created.
     */
    VolumeContext?: { [key: string]: string };
    /**
     * The ID of the volume as returned by the CSI storage plugin. This
     * is distinct from the volume's ID as provided by Docker. This ID
     * is never used by the user when communicating with Docker to refer
     * to this volume. If the ID is blank, then the Volume has not been
     * successfully created in the plugin yet.
     */
    VolumeID?: string;
    /** The topology this volume is actually accessible from. */
    AccessibleTopology?: Topology[];
  };
  /**
   * The status of the volume as it pertains to its publishing and use on
   * specific nodes
   */
  PublishStatus?: Array<{
    /** The ID of the Swarm node the volume is published on. */
    NodeID?: string;
    /**
     * The published state of the volume.
     * * `pending-publish` The volume should be published to this node, but the call to the controller plugin to do so has not yet been successfully completed.
     * * `published` The volume is published successfully to the node.
     * * `pending-node-unpublish` The volume should be unpublished from the node, and the manager is awaiting confirmation from the worker that it has done so.
     * * `pending-controller-unpublish` The volume is successfully unpublished from the node, but has not yet been successfully unpublished on the controller.
     */
    State?: "pending-publish" | "published" | "pending-node-unpublish" | "pending-controller-unpublish";
    /**
     * A map of strings to strings returned by the CSI controller
     * plugin when a volume is published.
     */
    PublishContext?: { [key: string]: string };
  }>;
}

/** Cluster-specific options used to create the volume. */
export interface ClusterVolumeSpec {
  /**
   * Group defines the volume group of this volume. Volumes belonging to
   * the same group can be referred to by group name when creating
   * Services.  Referring to a volume by group instructs Swarm to treat
   * volumes in that group interchangeably for the purpose of scheduling.
   * Volumes with an empty string for a group technically all belong to
   * the same, emptystring group.
   */
  Group?: string;
  /** Defines how the volume is used by tasks. */
  AccessMode?: {
    /**
     * The set of nodes this volume can be used on at one time.
     * - `single` The volume may only be scheduled to one node at a time.
     * - `multi` the volume may be scheduled to any supported number of nodes at a time.
     */
    Scope?: "single" | "multi";
    /**
     * The number and way that different tasks can use this volume
     * at one time.
     * - `none` The volume may only be used by one task at a time.
     * - `readonly` The volume may be used by any number of tasks, but they all must mount the volume as readonly
     * - `onewriter` The volume may be used by any number of tasks, but only one may mount it as read/write.
     * - `all` The volume may have any number of readers and writers.
     */
    Sharing?: "none" | "readonly" | "onewriter" | "all";
    /**
     * Options for using this volume as a Mount-type volume.
     *
     *     Either MountVolume or BlockVolume, but not both, must be
     *     present.
     *   properties:
     *     FsType:
     *       type: "string"
     *       description: |
     *         Specifies the filesystem type for the mount volume.
     *         Optional.
     *     MountFlags:
     *       type: "array"
     *       description: |
     *         Flags to pass when mounting the volume. Optional.
     *       items:
     *         type: "string"
     * BlockVolume:
     *   type: "object"
     *   description: |
     *     Options for using this volume as a Block-type volume.
     *     Intentionally empty.
     */
    MountVolume?: { [key: string]: unknown };
    /**
     * Swarm Secrets that are passed to the CSI storage plugin when
     * operating on this volume.
     */
    Secrets?: {
      /**
       * Key is the name of the key of the key-value pair passed to
       * the plugin.
       */
      Key?: string;
      /**
       * Secret is the swarm Secret object from which to read data.
       * This can be a Secret name or ID. The Secret data is
       * retrieved by swarm and used as the value of the key-value
       * pair passed to the plugin.
       */
      Secret?: string;
    }[];
    /**
     * Requirements for the accessible topology of the volume. These
     * fields are optional. For an in-depth description of what these
     * fields mean, see the CSI specification.
     */
    AccessibilityRequirements?: {
      /**
       * A list of required topologies, at least one of which the
       * volume must be accessible from.
       */
      Requisite?: Topology[];
      /**
       * A list of topologies that the volume should attempt to be
       * provisioned in.
       */
      Preferred?: Topology[];
    };
    /**
     * The desired capacity that the volume should be created with. If
     * empty, the plugin will decide the capacity.
     */
    CapacityRange?: {
      /**
       * The volume must be at least this big. The value of 0
       * indicates an unspecified minimum
       */
      RequiredBytes?: number;
      /**
       * The volume must not be bigger than this. The value of 0
       * indicates an unspecified maximum.
       */
      LimitBytes?: number;
    };
    /**
     * The availability of the volume for use in tasks.
     * - `active` The volume is fully available for scheduling on the cluster
     * - `pause` No new workloads should use the volume, but existing workloads are not stopped.
     * - `drain` All workloads using this volume should be stopped and rescheduled, and no new ones should be started.
     */
    Availability?: "active" | "pause" | "drain";
  };
}

/**
 * A map of topological domains to topological segments. For in depth
 * details, see documentation for the Topology object in the CSI
 * specification.
 */
export interface Topology {
  Segments?: { [key: string]: string };
}

/** AttestationStatement is a single in-toto statement attached to an image. */
export interface AttestationStatement {
  Descriptor: OCIDescriptor;
  /** The in-toto predicate type URI of this statement. */
  PredicateType: string;
  /**
   * The verbatim in-toto statement JSON. Only included when the caller
   * opts in via the `statement=true` query parameter; otherwise absent.
   */
  Statement?: { [key: string]: unknown } | null;
}

/** ImageManifestSummary represents a summary of an image manifest. */
export interface ImageManifestSummary {
  /**
   * ID is the content-addressable ID of an image and is the same as the
   * digest of the image manifest.
   */
  ID: string;
  Descriptor: OCIDescriptor;
  /** Indicates whether all the child content (image config, layers) is fully available locally. */
  Available: boolean;
  Size: {
    /**
     * Total is the total size (in bytes) of all the locally present
     * data (both distributable and non-distributable) that's related to
     * this manifest and its children.
     * This equal to the sum of [Content] size AND all the sizes in the
     * [Size] struct present in the Kind-specific data struct.
     * For example, for an image kind (Kind == "image")
     * this would include the size of the image content and unpacked
     * image snapshots ([Size.Content] + [ImageData.Size.Unpacked]).
     */
    Total: number;
    /**
     * Content is the size (in bytes) of all the locally present
     * content in the content store (e.g. image config, layers)
     * referenced by this manifest and its children.
     * This only includes blobs in the content store.
     */
    Content: number;
  };
  /**
   * The kind of the manifest.
   *
   * kind         | description
   * -------------|-----------------------------------------------------------
   * image        | Image manifest that can be used to start a container.
   * attestation  | Attestation manifest produced by the Buildkit builder for a specific image manifest.
   */
  Kind: "image" | "attestation" | "unknown";
  /**
   * The image data for the image manifest.
   * This field is only populated when Kind is "image".
   */
  ImageData?: {
    /**
     * OCI platform of the image. This will be the platform specified in the
     * manifest descriptor from the index/manifest list.
     * If it's not available, it will be obtained from the image config.
     */
    Platform: OCIPlatform;
    /**
     * Identity holds information about the identity and origin of this image.
     * For image list responses, this can duplicate Build/Pull fields across
     * image manifests, because those parts are image-level metadata.
     */
    Identity?: Identity | null;
    /** The IDs of the containers that are using this image. */
    Containers: string[];
    Size: {
      /**
       * Unpacked is the size (in bytes) of the locally unpacked
       * (uncompressed) image content that's directly usable by the containers
       * running this image.
       * It's independent of the distributable content - e.g.
       * the image might still have an unpacked data that's still used by
       * some container even when the distributable/compressed content is
       * already gone.
       */
      Unpacked: number;
    };
  } | null;
  /**
   * The image data for the attestation manifest.
   * This field is only populated when Kind is "attestation".
   */
  AttestationData?: {
    /** The digest of the image manifest that this attestation is for. */
    For: string;
  } | null;
}

// Request bodies of the operations that take JSON, named by their swagger title or operation.

/** Body of POST /containers/create (ContainerCreate) */
export type ContainerCreateRequest = ContainerConfig & {
  HostConfig?: HostConfig;
  NetworkingConfig?: NetworkingConfig;
};

/** Body of POST /containers/{id}/update (ContainerUpdate) */
export type ContainerUpdateRequest = Resources & {
  RestartPolicy?: RestartPolicy;
};

/** Body of POST /containers/{id}/exec (ContainerExec) */
export type ExecConfig = {
  /** Attach to `stdin` of the exec command. */
  AttachStdin?: boolean;
  /** Attach to `stdout` of the exec command. */
  AttachStdout?: boolean;
  /** Attach to `stderr` of the exec command. */
  AttachStderr?: boolean;
  /** Initial console size, as an `[height, width]` array. */
  ConsoleSize?: number[] | null;
  /**
   * Override the key sequence for detaching a container. Format is
   * a single character `[a-Z]` or `ctrl-<value>` where `<value>`
   * is one of: `a-z`, `@`, `^`, `[`, `,` or `_`.
   */
  DetachKeys?: string;
  /** Allocate a pseudo-TTY. */
  Tty?: boolean;
  /** A list of environment variables in the form `["VAR=value", ...]`. */
  Env?: string[];
  /** Command to run, as a string or array of strings. */
  Cmd?: string[];
  /** Runs the exec process with extended privileges. */
  Privileged?: boolean;
  /**
   * The user, and optionally, group to run the exec process inside
   * the container. Format is one of: `user`, `user:group`, `uid`,
   * or `uid:gid`.
   */
  User?: string;
  /** The working directory for the exec process inside the container. */
  WorkingDir?: string;
};

/** Body of POST /exec/{id}/start (ExecStart) */
export type ExecStartConfig = {
  /** Detach from the command. */
  Detach?: boolean;
  /** Allocate a pseudo-TTY. */
  Tty?: boolean;
  /** Initial console size, as an `[height, width]` array. */
  ConsoleSize?: number[] | null;
};

/** Body of PUT /volumes/{name} (VolumeUpdate) */
export type VolumeUpdateRequest = {
  Spec?: ClusterVolumeSpec;
};

/** Body of POST /networks/create (NetworkCreate) */
export type NetworkCreateRequest = {
  /** The network's name. */
  Name: string;
  /** Name of the network driver plugin to use. */
  Driver?: string;
  /**
   * The level at which the network exists (e.g. `swarm` for cluster-wide
   * or `local` for machine level).
   */
  Scope?: string;
  /** Restrict external access to the network. */
  Internal?: boolean;
  /**
   * Globally scoped network is manually attachable by regular
   * containers from workers in swarm mode.
   */
  Attachable?: boolean;
  /**
   * Ingress network is the network which provides the routing-mesh
   * in swarm mode.
   */
  Ingress?: boolean;
  /**
   * Creates a config-only network. Config-only networks are placeholder
   * networks for network configurations to be used by other networks.
   * Config-only networks cannot be used directly to run containers
   * or services.
   */
  ConfigOnly?: boolean;
  /**
   * Specifies the source which will provide the configuration for
   * this network. The specified network must be an existing
   * config-only network; see ConfigOnly.
   */
  ConfigFrom?: ConfigReference;
  /** Optional custom IP scheme for the network. */
  IPAM?: IPAM;
  /** Enable IPv4 on the network. */
  EnableIPv4?: boolean;
  /** Enable IPv6 on the network. */
  EnableIPv6?: boolean;
  /** Network specific options to be used by the drivers. */
  Options?: { [key: string]: string };
  /** User-defined key/value metadata. */
  Labels?: { [key: string]: string };
};

/** Body of POST /plugins/pull (PluginPull) */
export type PluginPullRequest = PluginPrivilege[];

/** Body of POST /plugins/{name}/upgrade (PluginUpgrade) */
export type PluginUpgradeRequest = PluginPrivilege[];

/** Body of POST /plugins/{name}/set (PluginSet) */
export type PluginSetRequest = string[];

/** Body of POST /swarm/init (SwarmInit) */
export type SwarmInitRequest = {
  /**
   * Listen address used for inter-manager communication, as well
   * as determining the networking interface used for the VXLAN
   * Tunnel Endpoint (VTEP). This can either be an address/port
   * combination in the form `192.168.1.1:4567`, or an interface
   * followed by a port number, like `eth0:4567`. If the port number
   * is omitted, the default swarm listening port is used.
   */
  ListenAddr?: string;
  /**
   * Externally reachable address advertised to other nodes. This
   * can either be an address/port combination in the form
   * `192.168.1.1:4567`, or an interface followed by a port number,
   * like `eth0:4567`. If the port number is omitted, the port
   * number from the listen address is used. If `AdvertiseAddr` is
   * not specified, it will be automatically detected when possible.
   */
  AdvertiseAddr?: string;
  /**
   * Address or interface to use for data path traffic (format:
   * `<ip|interface>`), for example,  `192.168.1.1`, or an interface,
   * like `eth0`. If `DataPathAddr` is unspecified, the same address
   * as `AdvertiseAddr` is used.
   *
   * The `DataPathAddr` specifies the address that global scope
   * network drivers will publish towards other  nodes in order to
   * reach the containers running on this node. Using this parameter
   * it is possible to separate the container data traffic from the
   * management traffic of the cluster.
   */
  DataPathAddr?: string;
  /**
   * DataPathPort specifies the data path port number for data traffic.
   * Acceptable port range is 1024 to 49151.
   * if no port is set or is set to 0, default port 4789 will be used.
   */
  DataPathPort?: number;
  /**
   * Default Address Pool specifies default subnet pools for global
   * scope networks.
   */
  DefaultAddrPool?: string[];
  /** Force creation of a new swarm. */
  ForceNewCluster?: boolean;
  /**
   * SubnetSize specifies the subnet size of the networks created
   * from the default subnet pool.
   */
  SubnetSize?: number;
  Spec?: SwarmSpec;
};

/** Body of POST /swarm/join (SwarmJoin) */
export type SwarmJoinRequest = {
  /**
   * Listen address used for inter-manager communication if the node
   * gets promoted to manager, as well as determining the networking
   * interface used for the VXLAN Tunnel Endpoint (VTEP). This is
   * required for joining a swarm. If the port number is omitted,
   * the default swarm listening port is used.
   */
  ListenAddr: string;
  /**
   * Externally reachable address advertised to other nodes. This
   * can either be an address/port combination in the form
   * `192.168.1.1:4567`, or an interface followed by a port number,
   * like `eth0:4567`. If the port number is omitted, the port
   * number from the listen address is used. If `AdvertiseAddr` is
   * not specified, it will be automatically detected when possible.
   */
  AdvertiseAddr?: string;
  /**
   * Address or interface to use for data path traffic (format:
   * `<ip|interface>`), for example,  `192.168.1.1`, or an interface,
   * like `eth0`. If `DataPathAddr` is unspecified, the same address
   * as `AdvertiseAddr` is used.
   *
   * The `DataPathAddr` specifies the address that global scope
   * network drivers will publish towards other nodes in order to
   * reach the containers running on this node. Using this parameter
   * it is possible to separate the container data traffic from the
   * management traffic of the cluster.
   */
  DataPathAddr?: string;
  /** Addresses of manager nodes already participating in the swarm. */
  RemoteAddrs: string[];
  /** Secret token for joining this swarm. */
  JoinToken: string;
};

/** Body of POST /swarm/unlock (SwarmUnlock) */
export type SwarmUnlockRequest = {
  /** The swarm's unlock key. */
  UnlockKey?: string;
};

/** Body of POST /services/create (ServiceCreate) */
export type ServiceCreateRequest = ServiceSpec & { [key: string]: unknown };

/** Body of POST /services/{id}/update (ServiceUpdate) */
export type ServiceUpdateRequest = ServiceSpec & { [key: string]: unknown };

/** Body of POST /secrets/create (SecretCreate) */
export type SecretCreateRequest = SecretSpec & { [key: string]: unknown };

/** Body of POST /configs/create (ConfigCreate) */
export type ConfigCreateRequest = ConfigSpec & { [key: string]: unknown };

/** Each JSON request body by its operation ID. */
export interface RequestBodies {
  ContainerCreate: ContainerCreateRequest;
  ContainerUpdate: ContainerUpdateRequest;
  SystemAuth: AuthConfig;
  ImageCommit: ContainerConfig;
  ContainerExec: ExecConfig;
  ExecStart: ExecStartConfig;
  VolumeCreate: VolumeCreateRequest;
  VolumeUpdate: VolumeUpdateRequest;
  NetworkCreate: NetworkCreateRequest;
  NetworkConnect: NetworkConnectRequest;
  NetworkDisconnect: NetworkDisconnectRequest;
  PluginPull: PluginPullRequest;
  PluginUpgrade: PluginUpgradeRequest;
  PluginSet: PluginSetRequest;
  NodeUpdate: NodeSpec;
  SwarmInit: SwarmInitRequest;
  SwarmJoin: SwarmJoinRequest;
  SwarmUpdate: SwarmSpec;
  SwarmUnlock: SwarmUnlockRequest;
  ServiceCreate: ServiceCreateRequest;
  ServiceUpdate: ServiceUpdateRequest;
  SecretCreate: SecretCreateRequest;
  SecretUpdate: SecretSpec;
  ConfigCreate: ConfigCreateRequest;
  ConfigUpdate: ConfigSpec;
}
