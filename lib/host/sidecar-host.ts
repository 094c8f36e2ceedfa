import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from '../errors';
import { ApiObjectHost } from './api-object-host';
import { ISidecarHost } from './host';
import { IPlusWorkload } from './plus-workload';
import { WorkloadHost } from './workload-host';

/** Makes hosts for `ReverseProxySidecar`. */
export class SidecarHost {
  /**
   * A cdk8s-plus workload you create, of any major from cdk8s-plus-27 to cdk8s-plus-34: Deployment,
   * StatefulSet, DaemonSet, Job, CronJob or Pod. TypeScript only: in Python, Java, Go and .NET, use
   * `fromConstruct`.
   * @jsii ignore
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

  /**
   * Any construct that can host the sidecar: a cdk8s-plus workload of any major (as `fromWorkload`)
   * or a raw object with a pod template (as `fromApiObject`), told apart at run time. The entry for
   * languages other than TypeScript, where a cdk8s-plus class is not seen as an `IPlusWorkload`;
   * the same checks and errors as the other two.
   */
  public static fromConstruct(construct: IConstruct): ISidecarHost {
    const c = construct as unknown as { containers?: unknown; addContainer?: unknown; toJson?: unknown; addJsonPatch?: unknown;
      node?: { path?: string } } | undefined;
    if (c && Array.isArray(c.containers) && typeof c.addContainer === 'function') {
      return new WorkloadHost(construct as unknown as IPlusWorkload);
    }
    if (c && typeof c.toJson === 'function' && typeof c.addJsonPatch === 'function') {
      return new ApiObjectHost(construct as unknown as ApiObject);
    }
    throw invalid('SidecarHost.fromConstruct', c?.node?.path ?? c, 'is neither a cdk8s-plus workload (Deployment, StatefulSet, '
      + 'DaemonSet, Job, CronJob or Pod) nor an ApiObject with a pod template');
  }

  private constructor() {}
}
