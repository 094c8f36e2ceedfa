import { Duration } from 'cdk8s';
import { ClientTimeoutsModel } from '../../nginx/model';
import { milliseconds, optionsObject } from '../prop-values';

/**
 * How long slow and idle clients may hold a connection. A connection that runs out of one is reset
 * (not closed gracefully), so it leaves no socket behind on the sidecar.
 */
export interface ClientTimeoutsOptions {
  /**
   * How long a client may take to send its whole request header; then its connection is reset (the
   * access log says 408). A browser sends it in one packet. nginx's own 60 s lets a client that
   * trickles headers hold a connection six times as long: with 4,096 connections per worker, one
   * address opening 68 such connections a second holds them all; with 10 s it takes 410.
   * @default Duration.seconds(10)
   */
  readonly header?: Duration;
  /**
   * How long a client may pause between two reads of its request body (an upload); then 408 and a
   * reset.
   * @default Duration.seconds(60)
   */
  readonly body?: Duration;
  /**
   * How long a client may pause reading the answer; then the connection is reset.
   * @default Duration.seconds(60)
   */
  readonly send?: Duration;
  /**
   * How long an idle keep-alive connection stays open. Keep it above the idle timeout of the load
   * balancer or ingress in front (60 s for most), so that the sidecar never closes a connection the
   * proxy is about to reuse (the proxy would then answer 502 for that request).
   * @default Duration.seconds(65)
   */
  readonly keepalive?: Duration;
}

const DEFAULTS = { header: Duration.seconds(10), body: Duration.seconds(60), send: Duration.seconds(60), keepalive: Duration.seconds(65) };

/** `clientTimeouts`, each checked, with the defaults. */
export function resolveClientTimeouts(value: ClientTimeoutsOptions | undefined): ClientTimeoutsModel {
  const o = optionsObject('clientTimeouts', value);
  const ms = (name: keyof typeof DEFAULTS) => milliseconds(`clientTimeouts.${name}`, o[name] ?? DEFAULTS[name]);
  return { headerMs: ms('header'), bodyMs: ms('body'), sendMs: ms('send'), keepaliveMs: ms('keepalive') };
}
