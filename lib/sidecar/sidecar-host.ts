import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ApiObjectHost } from './api-object-host';
import { ISidecarHost } from './host';
import { WorkloadHost } from './workload-host';

/** Makes hosts for `ReverseProxySidecar`. */
export class SidecarHost {
  /** A cdk8s-plus-27 workload you create: Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod. */
  public static fromWorkload(workload: kplus.AbstractPod): ISidecarHost {
    return new WorkloadHost(workload);
  }

  /**
   * A raw object with a pod template, e.g. a StatefulSet that `Include` loaded from a chart's YAML.
   * Throws if the object has no pod template.
   */
  public static fromApiObject(apiObject: ApiObject): ISidecarHost {
    return new ApiObjectHost(apiObject);
  }

  private constructor() {}
}
