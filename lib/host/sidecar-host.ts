import { ApiObject } from 'cdk8s';
import { invalid } from '../errors';
import { ApiObjectHost } from './api-object-host';
import { ISidecarHost } from './host';
import { IPlusWorkload } from './plus-workload';
import { WorkloadHost } from './workload-host';

/** Makes hosts for `ReverseProxySidecar`. */
export class SidecarHost {
  /**
   * A cdk8s-plus workload you create, of any major from cdk8s-plus-27 to cdk8s-plus-34: Deployment,
   * StatefulSet, DaemonSet, Job, CronJob or Pod.
   */
  public static fromWorkload(workload: IPlusWorkload): ISidecarHost {
    const w = workload as unknown as { containers?: unknown; addContainer?: unknown; node?: { path?: string } } | undefined;
    if (!w || !Array.isArray(w.containers) || typeof w.addContainer !== 'function') {
      throw invalid('SidecarHost.fromWorkload', w?.node?.path ?? w, 'is not a cdk8s-plus workload (Deployment, StatefulSet, '
        + 'DaemonSet, Job, CronJob or Pod); use SidecarHost.fromApiObject for a raw object');
    }
    return new WorkloadHost(workload);
  }

  /**
   * A raw object with a pod template, e.g. a StatefulSet that `Include` loaded from a chart's YAML.
   * Throws if the object has no pod template.
   */
  public static fromApiObject(apiObject: ApiObject): ISidecarHost {
    const o = apiObject as unknown as { toJson?: unknown; addJsonPatch?: unknown; node?: { path?: string } } | undefined;
    if (!o || typeof o.toJson !== 'function' || typeof o.addJsonPatch !== 'function') {
      throw invalid('SidecarHost.fromApiObject', o?.node?.path ?? o, 'is not an ApiObject; use SidecarHost.fromWorkload for a cdk8s-plus workload');
    }
    return new ApiObjectHost(apiObject);
  }

  private constructor() {}
}
