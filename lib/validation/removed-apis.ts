/**
 * API versions that kubernetes-models still ships (it keeps older definitions for older clusters)
 * but that a Kubernetes 1.27 API server no longer serves, with the release that removed them, from
 * the Kubernetes deprecated API migration guide. Every beta version the package ships is here except
 * flowcontrol.apiserver.k8s.io/v1beta2 and v1beta3, which 1.27 still serves.
 */
export const REMOVED_BY_1_27: Readonly<Record<string, string>> = {
  'extensions/v1beta1': '1.22',
  'apps/v1beta1': '1.16',
  'apps/v1beta2': '1.16',
  'admissionregistration.k8s.io/v1beta1': '1.22',
  'apiextensions.k8s.io/v1beta1': '1.22',
  'apiregistration.k8s.io/v1beta1': '1.22',
  'authentication.k8s.io/v1beta1': '1.22',
  'authorization.k8s.io/v1beta1': '1.22',
  'certificates.k8s.io/v1beta1': '1.22',
  'coordination.k8s.io/v1beta1': '1.22',
  'networking.k8s.io/v1beta1': '1.22',
  'rbac.authorization.k8s.io/v1beta1': '1.22',
  'scheduling.k8s.io/v1beta1': '1.22',
  'storage.k8s.io/v1beta1': '1.27',
  'batch/v1beta1': '1.25',
  'discovery.k8s.io/v1beta1': '1.25',
  'events.k8s.io/v1beta1': '1.25',
  'autoscaling/v2beta1': '1.25',
  'policy/v1beta1': '1.25',
  'node.k8s.io/v1beta1': '1.25',
  'autoscaling/v2beta2': '1.26',
  'flowcontrol.apiserver.k8s.io/v1beta1': '1.26',
};
