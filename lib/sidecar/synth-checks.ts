import { ApiObject } from 'cdk8s';
import { IConstruct, IValidation } from 'constructs';
import { ISidecarHost } from '../host/host';
import { NamedRoute, signInLoopErrors } from './access/sign-in-loop';
import { forgetScan } from './app-scan';
import { bypassServiceErrors } from './bypass-services';
import { synthErrors } from './host-checks';
import { ResolvedProps } from './resolved-props';
import { retargetSelectorErrors } from './service-retarget';

/** What the synth-time checks read of a sidecar, when synthesis validates. */
export interface SynthCheckSources {
  readonly root: IConstruct;
  readonly host: ISidecarHost;
  readonly props: ResolvedProps;
  appPort(): number | undefined;
  appPortNames(): string[];
  /** The rendered config files (text and base64). */
  files(): { config: Record<string, string>; configBinary: Record<string, string> };
  /** Services moved to the sidecar with `retargetService`. */
  readonly retargeted: ReadonlySet<ApiObject>;
  /** Every route added, by the name messages give it. */
  routes(): NamedRoute[];
}

/**
 * The rules a later change can break (containers added after the sidecar, Services and Ingresses
 * made anywhere in the app, selectors changed), checked once per synthesis, before any file is
 * written. The app's Services, Ingresses and pod templates are read once per synthesis for every
 * sidecar (`app-scan.ts`); a synthesis that fails here forgets them, so the next one reads them anew.
 */
export function synthChecks(s: SynthCheckSources): IValidation {
  return {
    validate: () => {
      const hostJson = s.host.apiObject.toJson(); // once, for every check that reads it
      const { config, configBinary } = s.files();
      const errors = [
        ...synthErrors(s.host, s.props, s.appPort(), config, configBinary, hostJson),
        ...bypassServiceErrors(s.root, {
          host: s.host, appPort: s.appPort(), appPortNames: s.appPortNames(), sidecarPort: s.props.port, retargeted: s.retargeted,
        }, hostJson),
        // Selectors can still change after retargetService (kplus Service.select): checked now.
        ...[...s.retargeted].flatMap((service) => retargetSelectorErrors(service, s.host, s.root, s.props.portName)),
        // Routes can still be added after the one whose sign-in page they serve.
        ...signInLoopErrors(s.routes(), s.props.access),
      ];
      if (errors.length > 0) {
        forgetScan(s.root);
      }
      return errors;
    },
  };
}
