import { AccessModel, NginxConfModel, RouteModel } from './model';

/** The rules a route follows: its own, else the sidecar's. */
export function accessOf(conf: NginxConfModel, route: RouteModel): AccessModel | undefined {
  return route.access ?? conf.access;
}

export interface AccessTables {
  readonly allow: string[];
  readonly cors: string[];
  readonly auth: string[];
}

/** The distinct allow lists and CORS settings in use, as JSON, in route order. */
export function tables(conf: NginxConfModel): AccessTables {
  const t: AccessTables = { allow: [], cors: [], auth: [] };
  for (const route of conf.routes) {
    const a = accessOf(conf, route);
    for (const [list, value] of [[t.allow, a?.allowFrom], [t.cors, a?.cors], [t.auth, a?.externalAuth]] as const) {
      const json = value && JSON.stringify(value);
      if (json && !list.includes(json)) {
        list.push(json);
      }
    }
  }
  return t;
}

