import * as plus27 from 'cdk8s-plus-27';
import * as plus28 from 'cdk8s-plus-28';
import * as plus29 from 'cdk8s-plus-29';
import * as plus30 from 'cdk8s-plus-30';
import * as plus31 from 'cdk8s-plus-31';
import * as plus32 from 'cdk8s-plus-32';
import * as plus33 from 'cdk8s-plus-33';
import * as plus34 from 'cdk8s-plus-34';

/** One cdk8s-plus major under test: its number and its module. */
export interface PlusMajorCase<M = typeof plus27 | typeof plus34> {
  readonly major: number;
  readonly kplus: M;
}

type AnyPlus = typeof plus27 | typeof plus28 | typeof plus29 | typeof plus30 | typeof plus31 | typeof plus32
  | typeof plus33 | typeof plus34;

/** The oldest and the newest supported majors: the whole host suite runs on both. */
export const PLUS_27_AND_34: PlusMajorCase[] = [{ major: 27, kplus: plus27 }, { major: 34, kplus: plus34 }];

/** Every supported major, 27 to 34 (dev dependencies), for the checks that differ by major. */
export const EVERY_PLUS_MAJOR: Array<PlusMajorCase<AnyPlus>> = [
  { major: 27, kplus: plus27 }, { major: 28, kplus: plus28 }, { major: 29, kplus: plus29 }, { major: 30, kplus: plus30 },
  { major: 31, kplus: plus31 }, { major: 32, kplus: plus32 }, { major: 33, kplus: plus33 }, { major: 34, kplus: plus34 },
];
