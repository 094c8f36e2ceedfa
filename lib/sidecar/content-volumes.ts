import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ISidecarHost } from '../host/host';
import { GzipModel } from '../nginx/model';
import { contentNamedConfigMap } from './content-name';
import { LAYOUT } from './layout';
import { LocalFile } from './local-files';
import { gzipSiblings } from './precompress';
import { StaticContent } from './static-content';

/** The static ConfigMap's `data` and `binaryData`, as rendered. */
export interface StaticData {
  readonly data: Record<string, string>;
  readonly binaryData: Record<string, string>;
}

/**
 * The files of static and file routes: one ConfigMap (created with the first such route) and, per
 * route, a volume of it mounted at `<staticDir>/<n>` with `items` that place each key at its path.
 */
export class ContentVolumes {
  private readonly content = new StaticContent();
  private routes = 0;
  private _configMap?: ApiObject;

  /**
   * @param render produces the ConfigMap's data at synthesis (shared with the checksum)
   * @param gzip the sidecar's compression: text files get a precompressed .gz beside them
   */
  constructor(
    private readonly scope: Construct,
    private readonly host: ISidecarHost,
    private readonly containerName: string,
    private readonly render: () => StaticData,
    private readonly gzip?: GzipModel,
  ) {}

  /** The static ConfigMap, once a route has files. */
  public get configMap(): ApiObject | undefined {
    return this._configMap;
  }

  /** The ConfigMap's data and binaryData, sorted by key. */
  public toData(): StaticData {
    return this.content.toConfigMap();
  }

  /**
   * Adds a route's files, all or none (a refused route leaves the ConfigMap and the numbering as they
   * were), and mounts them; returns the directory nginx serves them from.
   */
  public mount(field: string, routeFiles: LocalFile[]): string {
    const n = this.routes + 1;
    const keyPrefix = `${n}-`;
    const add = (files: LocalFile[]) =>
      this.content.addAll(field, files.map((f) => ({ itemPath: `${keyPrefix}${f.relPath}`, source: f.source, bytes: f.bytes })));
    // With their .gz beside them where they fit; else as they are (the ConfigMap holds 1 MiB).
    const gz = this.gzip ? gzipSiblings(routeFiles, this.gzip) : [];
    let files = [...routeFiles, ...gz];
    try {
      add(files);
    } catch (e) {
      if (gz.length === 0) {
        throw e;
      }
      files = routeFiles;
      add(files);
    }
    this.routes = n;
    const name = `${this.containerName}-static-${n}`;
    const dir = `${LAYOUT.staticDir}/${n}`;
    this.host.addSidecarVolume(this.scope, {
      name,
      configMap: {
        name: this.configMapOrNew().name,
        items: files.map((f) => ({ key: StaticContent.keyOf(`${keyPrefix}${f.relPath}`), path: f.relPath })),
      },
    }, { volume: name, path: dir, readOnly: true });
    return dir;
  }

  private configMapOrNew(): ApiObject {
    this._configMap ??= contentNamedConfigMap(this.scope, 'static', this.host.apiObject.metadata.namespace, this.render);
    return this._configMap;
  }
}
