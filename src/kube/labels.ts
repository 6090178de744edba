/**
 * Labels that `berth kube play` puts on what it creates, so `kube play --down` and `kube generate` find a
 * play's objects again through the Engine API alone (the same way compose finds a project).
 */
export const KUBE_PLAY_LABEL = 'io.berth.kube.play';
/** the Kubernetes object (kind/name) a container, network or volume was made for */
export const KUBE_OBJECT_LABEL = 'io.berth.kube.object';
/** a pod's infrastructure (pause) container, whose namespaces the pod's containers join */
export const KUBE_POD_INFRA_LABEL = 'io.berth.kube.infra';
/** the pod a container belongs to */
export const KUBE_POD_LABEL = 'io.berth.kube.pod';
/**
 * On a PersistentVolumeClaim: the engine volume it stands for, when that volume's name is not a
 * Kubernetes name (compose's `proj_data`); `kube generate` writes it, `kube play` uses that volume.
 */
export const KUBE_VOLUME_ANNOTATION = 'io.berth.kube/volume-name';
/**
 * On a container of a played pod: its ConfigMap and Secret volume mounts as JSON ([{mountPath, subPath,
 * volume}], no data), so that `kube generate` can write those objects back (their files are in the
 * container, not in a mount the API shows).
 */
export const KUBE_FILE_VOLUMES_LABEL = 'io.berth.kube.file-volumes';
