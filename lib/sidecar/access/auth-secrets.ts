import { Construct } from 'constructs';
import { ISidecarHost } from '../../host/host';
import { AccessModel } from '../../nginx/model';
import { authFile } from './route-access';

/**
 * The basic auth Secrets' volumes: one per Secret and key, mounted whole (never a subPath: the
 * kubelet updates only whole Secret volumes, so a changed htpasswd reaches nginx without a
 * rollout) and read-only, added as routes (or the sidecar-wide `access`) first use them.
 */
export class AuthSecretVolumes {
  private readonly mounted = new Set<string>();

  constructor(private readonly scope: Construct, private readonly host: ISidecarHost, private readonly containerName: string) {}

  /** Mounts what `access` needs, once per Secret and key. */
  public use(access: AccessModel | undefined): void {
    const auth = access?.basicAuth;
    if (!auth) {
      return;
    }
    const file = authFile(auth.secretName, auth.key);
    if (this.mounted.has(file)) {
      return;
    }
    this.mounted.add(file);
    const volume = `${this.containerName}-auth-${this.mounted.size}`;
    this.host.addSidecarVolume(this.scope, { name: volume, secret: { secretName: auth.secretName, items: [{ key: auth.key, path: 'htpasswd' }] } },
      { volume, path: file.replace(/\/htpasswd$/, ''), readOnly: true });
  }
}
