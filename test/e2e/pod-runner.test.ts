import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { K8sObject } from '../support/manifests';
import { PodRunOptions, RunningPod } from '../support/pod-runner';
import { ImageMapping } from '../support/pod-sandbox';
import { describeWithTools } from '../support/real-tools';

/**
 * Tests of the pod runner itself, with Debian tools standing in for images: what the e2e tests
 * rely on it for (refusals, volumes, uids, env, readiness, termination, teardown) is proven here.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
/** In every command line of these pods, so `pgrep -f` finds whatever of them is left. */
const MARK = `podrunnertest${process.pid}`;

const IMAGES: Record<string, ImageMapping> = {
  // ENTRYPOINT + CMD that prints the args it got.
  'busybox-like': { entrypoint: ['bash', '-c', 'echo "argv:$*"; exec -a "$0" sleep 60', MARK] },
  'nonroot-image': { entrypoint: ['bash', '-c', 'exec -a "$0" sleep 60', MARK], user: 1000 },
  'quitting-image': { entrypoint: ['false'], user: 1000, stopSignal: 'SIGQUIT' },
};
const OPTS: PodRunOptions = { images: IMAGES };

/** A container running a bash script (its $0 is the marker). */
const ctr = (name: string, script: string, more: any = {}) =>
  ({ name, image: 'busybox-like:1', command: ['bash', '-c', script, MARK], ...more });
const podOf = (containers: any[], spec: any = {}, others: K8sObject[] = []): K8sObject[] =>
  [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers, ...spec } }, ...others];
const deploymentOf = (containers: any[], spec: any = {}): K8sObject[] =>
  [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers, ...spec } } } }];
const start = (objects: K8sObject[], opts: Partial<PodRunOptions> = {}) => RunningPod.start(objects, objects[0], { ...OPTS, ...opts });
async function withPod(objects: K8sObject[], body: (pod: RunningPod) => Promise<unknown>, opts: Partial<PodRunOptions> = {}) {
  const pod = await start(objects, opts);
  try {
    await body(pod);
  } finally {
    await pod.stop();
  }
}
const sh = (pod: RunningPod, container: string, script: string) => pod.exec(container, ['bash', '-c', script]);
async function logUntil(pod: RunningPod, container: string, text: string): Promise<string> {
  for (let i = 0; i < 100 && !pod.log(container).includes(text); i++) {
    await sleep(20);
  }
  return pod.log(container);
}

const CM: K8sObject = {
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' },
  data: { 'a.conf': 'alpha\n', 'b.txt': 'bravo\n' },
  binaryData: { 'blob.bin': b64(Buffer.from([0, 1, 2, 255])) },
};
const SECRET: K8sObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec' }, data: { token: b64('s3cr3t') } };

let tmp: string;
/** What a pod could leave behind: its netns, host mounts, directories, processes. */
function leftovers() {
  return {
    netns: spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(`pod-${process.pid}-`)),
    mounts: fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(tmp) || l.includes(`pod-${process.pid}-`)),
    dirs: fs.readdirSync(tmp),
    processes: spawnSync('pgrep', ['-af', MARK], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean),
  };
}
const LOGS = path.join(__dirname, '..', '..', 'test-output', 'pods');
const NOTHING = { netns: [], mounts: [], dirs: [], processes: [] };

describeWithTools(['unshare', 'setpriv', 'nsenter', 'ip', 'curl'], 'the pod runner', () => {
  beforeAll(() => {
    // Everything the runner lays out on the host goes here, so the tests can see it is all removed.
    // (Setting TMPDIR would not do: jest gives each test file a copy of process.env.)
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-runner-test-'));
    jest.spyOn(os, 'tmpdir').mockReturnValue(tmp);
  });
  afterAll(() => {
    jest.restoreAllMocks();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('refuses what the kubelet refuses, and leaves nothing behind', () => {
    const ok = ctr('ok', 'exec -a "$0" sleep 60');
    it.each<[string, K8sObject[], string]>([
      ['runAsNonRoot with runAsUser 0',
        podOf([ok, { ...ok, name: 'app', securityContext: { runAsUser: 0 } }], { securityContext: { runAsNonRoot: true, runAsUser: 1000 } }),
        'container\'s runAsUser breaks non-root policy (container: app)'],
      ['runAsNonRoot with the image\'s user 0',
        podOf([{ name: 'app', image: 'busybox-like:1' }], { securityContext: { runAsNonRoot: true } }),
        'container has runAsNonRoot and image will run as root (container: app)'],
      ['a volumeMount of a volume that does not exist',
        deploymentOf([ok, { ...ok, name: 'app', volumeMounts: [{ name: 'nope', mountPath: '/x' }] }], { volumes: [{ name: 'v', emptyDir: {} }] }),
        'spec.template.spec.containers[1].volumeMounts[0].name: Not found: "nope"'],
      ['a ConfigMap that does not exist',
        podOf([{ ...ok, volumeMounts: [{ name: 'v', mountPath: '/x' }] }], { volumes: [{ name: 'v', configMap: { name: 'nope' } }] }),
        'MountVolume.SetUp failed for volume "v" : configmap "nope" not found'],
      ['a key missing from a ConfigMap',
        podOf([{ ...ok, volumeMounts: [{ name: 'v', mountPath: '/x' }] }],
          { volumes: [{ name: 'v', configMap: { name: 'cfg', items: [{ key: 'a.conf', path: 'a' }, { key: 'missing', path: 'm' }] } }] }, [CM]),
        'MountVolume.SetUp failed for volume "v" : configmap references non-existent config key: missing'],
      ['a Secret key for env that does not exist',
        podOf([{ ...ok, env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'sec', key: 'nope' } } }] }], {}, [SECRET]),
        'couldn\'t find key nope in Secret default/sec'],
    ])('%s', async (_, objects, reason) => {
      await expect(start(objects)).rejects.toThrow(reason);
      expect(leftovers()).toEqual(NOTHING);
    });

    it('starts with an optional ConfigMap that is missing, or an optional key, as an empty dir', async () => {
      const pod = await start(podOf([{ ...ok, volumeMounts: [{ name: 'a', mountPath: '/a' }, { name: 'b', mountPath: '/b' }] }], {
        volumes: [{ name: 'a', configMap: { name: 'nope', optional: true } },
          { name: 'b', configMap: { name: 'cfg', optional: true, items: [{ key: 'missing', path: 'm' }] } }],
      }, [CM]));
      try {
        expect(await sh(pod, 'ok', 'ls -A /a /b')).toEqual({ status: 0, output: '/a:\n\n/b:\n' });
      } finally {
        await pod.stop();
      }
      expect(leftovers()).toEqual(NOTHING);
    });

    it('runs a runAsNonRoot container as the image\'s non-root user', async () => {
      await withPod(podOf([{ name: 'app', image: 'nonroot-image:2' }], { securityContext: { runAsNonRoot: true } }), async (pod) =>
        expect(await pod.exec('app', ['id', '-u'])).toEqual({ status: 0, output: '1000\n' }));
    });
  });

  describe('volumes, users and the root filesystem', () => {
    let pod: RunningPod;
    beforeAll(async () => {
      const shared = { name: 'shared', mountPath: '/shared' };
      pod = await start(podOf([
        ctr('writer', 'echo hello > /shared/msg; echo out-line > /dev/stdout; echo err-line > /dev/stderr; echo "main $(id -u):$(id -g)"; exec -a "$0" sleep 60', {
          readinessProbe: { exec: { command: ['test', '-s', '/shared/msg'] } },
          volumeMounts: [shared, { name: 'items', mountPath: '/etc/items' }, { name: 'all', mountPath: '/etc/all' },
            { name: 'items', mountPath: '/etc/single.txt', subPath: 'b.txt' }],
        }),
        ctr('reader', 'exec -a "$0" sleep 60', { securityContext: { runAsUser: 2000 }, volumeMounts: [{ ...shared, mountPath: '/in', readOnly: true }] }),
        ctr('root', 'exec -a "$0" sleep 60', {
          securityContext: { runAsUser: 0, readOnlyRootFilesystem: true },
          volumeMounts: [shared, { name: 'items', mountPath: '/etc/items' }, { name: 'all', mountPath: '/etc/all' }, { name: 'sec', mountPath: '/etc/sec' }],
        }),
      ], {
        securityContext: { runAsUser: 1000, runAsGroup: 3000 },
        volumes: [
          { name: 'shared', emptyDir: {} },
          { name: 'items', configMap: { name: 'cfg', items: [{ key: 'a.conf', path: 'conf/a.conf', mode: 0o600 }, { key: 'b.txt', path: 'b.txt' }] } },
          { name: 'all', configMap: { name: 'cfg', defaultMode: 0o440 } },
          { name: 'sec', secret: { secretName: 'sec' } },
        ],
      }, [CM, SECRET]));
    });
    afterAll(async () => pod?.stop());

    it('materializes ConfigMap items with their mode, and defaultMode for every key', async () => {
      expect(await sh(pod, 'writer', 'cd /etc/items && find . -type f | sort && stat -L -c "%n %a %U" conf/a.conf b.txt && cat b.txt'))
        .toEqual({ status: 0, output: './b.txt\n./conf/a.conf\nconf/a.conf 600 root\nb.txt 644 root\nbravo\n' });
      expect(await sh(pod, 'writer', 'cd /etc/all && stat -L -c "%n %a" * && cat a.conf'))
        .toEqual({ status: 1, output: 'a.conf 440\nb.txt 440\nblob.bin 440\ncat: a.conf: Permission denied\n' });
      expect(await sh(pod, 'root', 'cat /etc/items/conf/a.conf && od -An -tx1 /etc/all/blob.bin'))
        .toEqual({ status: 0, output: 'alpha\n 00 01 02 ff\n' });
    });

    it('mounts a subPath as a single file, keeping the rest of the directory', async () => {
      expect(await sh(pod, 'writer', 'test -f /etc/single.txt && cat /etc/single.txt && test -f /etc/passwd && echo passwd'))
        .toEqual({ status: 0, output: 'bravo\npasswd\n' });
    });

    it('decodes Secret data', async () => {
      expect(await pod.exec('root', ['cat', '/etc/sec/token'])).toEqual({ status: 0, output: 's3cr3t' });
    });

    it('shares an emptyDir between containers, read-only where the mount says so', async () => {
      expect(await pod.exec('reader', ['cat', '/in/msg'])).toEqual({ status: 0, output: 'hello\n' });
      expect(await pod.exec('reader', ['touch', '/in/x'])).toEqual({ status: 1, output: 'touch: cannot touch \'/in/x\': Read-only file system\n' });
    });

    it('mounts ConfigMaps read-only and the root read-only with readOnlyRootFilesystem, even for root', async () => {
      expect(await sh(pod, 'root', 'id -u; touch /etc/items/new; touch /etc/blocked; echo ok > /shared/root && cat /shared/root')).toEqual({
        status: 0,
        output: '0\ntouch: cannot touch \'/etc/items/new\': Read-only file system\ntouch: cannot touch \'/etc/blocked\': Read-only file system\nok\n',
      });
      // Without readOnlyRootFilesystem the root is writable (an overlay, not the host's).
      expect(await sh(pod, 'writer', 'echo x > /tmp/w-$$ && echo written')).toEqual({ status: 0, output: 'written\n' });
    });

    it('applies runAsUser and runAsGroup, pod-level and per container, to the main process and to exec', async () => {
      expect(pod.log('writer')).toContain('main 1000:3000\n');
      expect(await sh(pod, 'writer', 'echo $(id -u):$(id -g):$(id -G)')).toEqual({ status: 0, output: '1000:3000:3000\n' });
      expect(await sh(pod, 'reader', 'echo $(id -u):$(id -g)')).toEqual({ status: 0, output: '2000:3000\n' });
    });

    it('lets a non-root main process write to /dev/stdout and /dev/stderr, into the log', () => {
      expect(pod.log('writer')).toMatch(/out-line\n[^]*err-line\n/);
    });
  });

  it('gives each StatefulSet volumeClaimTemplate a fresh writable directory', async () => {
    const sts: K8sObject = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
      spec: {
        template: { spec: { securityContext: { runAsUser: 1000 }, containers: [ctr('db', 'exec -a "$0" sleep 60', { volumeMounts: [{ name: 'data', mountPath: '/var/lib/db' }] })] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    };
    for (let run = 0; run < 2; run++) {
      await withPod([sts], async (pod) =>
        expect(await sh(pod, 'db', 'ls -A /var/lib/db; echo x > /var/lib/db/f && stat -c %u /var/lib/db/f')).toEqual({ status: 0, output: '1000\n' }));
    }
  });

  it('builds env with $(VAR) expansion, fieldRefs and key refs, and expands command and args', async () => {
    const env = [
      { name: 'A', value: 'alpha' }, { name: 'B', value: '$(A)-beta' }, { name: 'C', value: '$(D)' }, { name: 'D', value: 'late' },
      { name: 'LIT', value: '$$(A)' }, { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'CM', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'b.txt' } } },
      { name: 'SEC', valueFrom: { secretKeyRef: { name: 'sec', key: 'token' } } },
    ];
    const pod = await start(podOf([
      // No command: the image's entrypoint, with the args appended.
      { name: 'entry', image: 'busybox-like:1', env, args: ['$(A)', '$$(A)', '$(NOPE)', 'x$(B)'] },
      { name: 'cmd', image: 'busybox-like:1', env, command: ['bash', '-c', 'echo "cmd:$0:$1"; exec -a "$0" sleep 60', '$(A)'], args: ['$(B)'] },
    ], {}, [CM, SECRET]), { fieldRefs: { 'status.podIP': '10.1.2.3' } });
    try {
      expect(await sh(pod, 'entry', 'echo "$A|$B|$C|$D|$LIT|$IP|$CM|$SEC"')).toEqual({ status: 0, output: 'alpha|alpha-beta|$(D)|late|$(A)|10.1.2.3|bravo\n|s3cr3t\n' });
      expect(await logUntil(pod, 'entry', '\n')).toBe('argv:alpha $(A) $(NOPE) xalpha-beta\n');
      expect(await logUntil(pod, 'cmd', '\n')).toBe('cmd:alpha:alpha-beta\n');
    } finally {
      await pod.stop();
    }
  });

  it('counts the CPU time of a container\'s processes, each container apart', async () => {
    // The burner's shell spins until a file appears in the shared emptyDir, then sleeps.
    const shared = { name: 'shared', mountPath: '/shared' };
    await withPod(podOf([
      ctr('burner', 'while [ ! -e /shared/stop ]; do :; done; exec -a "$0" sleep 60', { volumeMounts: [shared] }),
      ctr('idle', 'exec -a "$0" sleep 60', { volumeMounts: [shared] }),
    ], { volumes: [{ name: 'shared', emptyDir: {} }] }), async (pod) => {
      // Under a loaded CI machine the burner gets what the scheduler gives it, so wait (up to
      // 15 s) for 0.2 s of its CPU rather than assume a share of the wall clock. One shell on one
      // thread cannot burn more CPU than the wall time that passed.
      const before = { burner: pod.cpuSeconds('burner'), idle: pod.cpuSeconds('idle') };
      const t0 = Date.now();
      let burnt = 0;
      while (burnt < 0.2 && Date.now() - t0 < 15_000) {
        await sleep(100);
        burnt = pod.cpuSeconds('burner') - before.burner;
      }
      const wall = (Date.now() - t0) / 1000;
      expect(burnt).toBeGreaterThanOrEqual(0.2);
      expect(burnt).toBeLessThanOrEqual(wall + 0.05);
      expect(pod.cpuSeconds('idle') - before.idle).toBeLessThan(0.03);
      expect(() => pod.cpuSeconds('nope')).toThrow('container "nope" was not started');
      await sh(pod, 'idle', 'touch /shared/stop');
    });
  });

  describe('readiness', () => {
    const server = (port: number) => ctr('web', `sleep 0.7; exec /usr/bin/python3 -m http.server ${port} --bind 127.0.0.1`,
      { ports: [{ name: 'http', containerPort: port }] });
    it.each<[string, any]>([
      ['an httpGet probe on a named port', { readinessProbe: { httpGet: { path: '/', port: 'http' } } }],
      ['a tcpSocket probe', { readinessProbe: { tcpSocket: { port: 8000 } } }],
      ['the first port, without a probe', {}],
    ])('waits for %s', async (_, probe) => {
      const t0 = Date.now();
      await withPod(podOf([{ ...server(8000), ...probe }]), async (pod) => {
        expect(Date.now() - t0).toBeGreaterThan(700);
        expect(pod.http('http://127.0.0.1:8000/').status).toBe(200);
      });
    });

    it('waits for an exec probe', async () => {
      const t0 = Date.now();
      await withPod(podOf([ctr('app', 'sleep 0.7; touch /tmp/ready; exec -a "$0" sleep 60', { readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] } } })]),
        async (pod) => {
          expect(Date.now() - t0).toBeGreaterThan(700);
          expect(await pod.exec('app', ['ls', '/tmp/ready'])).toEqual({ status: 0, output: '/tmp/ready\n' });
        });
    });

    it('rejects, with the log, when a container exits before it is ready', async () => {
      await expect(start(podOf([ctr('app', 'echo "bad config at line 3" >&2; exit 3', { ports: [{ containerPort: 8000 }] })])))
        .rejects.toThrow('container "app" exited before it was ready:\nbad config at line 3\n');
      // Output that reaches the pipe after the main process has exited (here from a child it left behind) is in the log.
      await expect(start(podOf([ctr('app', '(sleep 0.3; echo "late line" >&2) & exit 3', { ports: [{ containerPort: 8000 }] })])))
        .rejects.toThrow('container "app" exited before it was ready:\nlate line\n');
      await expect(start(podOf([ctr('app', 'echo listening soon; exec -a "$0" sleep 60', { ports: [{ containerPort: 8000 }] })]), { readyTimeoutMs: 300 }))
        .rejects.toThrow('container "app" not ready (tcp 127.0.0.1:8000) in time:\nlistening soon\n');
      expect(leftovers()).toEqual(NOTHING);
    });
  });

  describe('termination', () => {
    // Prints which signal it got, and what the preStop hook left in its /tmp at that moment.
    const trapper = 'for s in TERM QUIT; do trap "echo got $s after hook: \\$(cat /tmp/hook 2>/dev/null); exit 0" $s; done; echo up; (exec -a "$0" sleep 60) & wait';
    const stubborn = 'trap "echo ignored TERM" TERM; echo up; while :; do sleep 0.1; done';

    it('runs the preStop hook inside the container, then sends the image\'s STOPSIGNAL', async () => {
      const pod = await start(podOf([
        { ...ctr('quitter', trapper), image: 'quitting-image:1', lifecycle: { preStop: { exec: { command: ['bash', '-c', 'echo "hook as $(id -u)"; echo ran > /tmp/hook'] } } } },
        ctr('termer', trapper, { securityContext: { runAsUser: 1000 } }),
      ], { terminationGracePeriodSeconds: 10 }));
      await logUntil(pod, 'termer', 'up');
      const stops = await pod.terminate();
      expect(stops).toEqual([
        { container: 'quitter', hookStatus: 0, hookOutput: 'hook as 1000\n', exitedAfterMs: expect.any(Number), killed: false, stopBeganAfterMs: expect.any(Number) },
        { container: 'termer', exitedAfterMs: expect.any(Number), killed: false, stopBeganAfterMs: expect.any(Number) },
      ]);
      // Both are stopped at once, as the kubelet does (a few ms apart on a busy machine).
      expect(Math.max(...stops.map((s) => s.stopBeganAfterMs))).toBeLessThan(100);
      expect(Math.max(...stops.map((s) => s.exitedAfterMs))).toBeLessThan(1500);
      expect(pod.log('quitter')).toBe('up\ngot QUIT after hook: ran\n');
      expect(pod.log('termer')).toBe('up\ngot TERM after hook:\n');
      // The log file holds the last words too.
      expect(fs.readFileSync(path.join(LOGS, pod.netns, 'quitter.log'), 'utf8')).toBe(pod.log('quitter'));
    });

    it('kills a container when the grace period (at least 2 s) runs out, 2 s after a hook that overran it', async () => {
      const pod = await start(podOf([
        ctr('stubborn', stubborn),
        ctr('slowhook', stubborn, { lifecycle: { preStop: { exec: { command: ['bash', '-c', 'echo hook; sleep 10'] } } } }),
      ], { terminationGracePeriodSeconds: 1 }));
      await logUntil(pod, 'slowhook', 'up');
      await logUntil(pod, 'stubborn', 'up');
      const [plain, hooked] = await pod.terminate();
      expect(plain).toMatchObject({ killed: true, hookStatus: undefined });
      expect(plain.exitedAfterMs).toBeGreaterThanOrEqual(2000);
      expect(plain.exitedAfterMs).toBeLessThan(3000);
      expect(hooked).toMatchObject({ killed: true, hookStatus: null, hookOutput: 'hook\n' });
      expect(hooked.exitedAfterMs).toBeGreaterThanOrEqual(3000);
      expect(hooked.exitedAfterMs).toBeLessThan(4000);
      expect(pod.log('stubborn')).toBe('up\nignored TERM\n');
      expect(pod.log('slowhook')).toBe('up\nignored TERM\n');
      expect(leftovers()).toEqual(NOTHING);
    });
  });

  it('tears everything down on stop(), twice safely, keeping the logs', async () => {
    // A process that left the container's process group (a daemon) is still the pod's.
    const pod = await start(podOf([
      ctr('a', `setsid -f bash -c 'exec -a "$0" sleep 60' "daemon-$0"; echo a-log; exec -a "$0" sleep 60`),
      ctr('b', 'echo b-log; exec -a "$0" sleep 60'),
    ]));
    const podDir: string = (pod as any).podDir;
    try {
      await logUntil(pod, 'a', 'a-log');
      expect(leftovers().processes.filter((p) => p.includes(`daemon-${MARK}`))).toHaveLength(1);
      expect(leftovers().netns).toEqual([pod.netns]);
      // What leftovers() looks for is there while the pod runs: so NOTHING after stop() means removed.
      expect(leftovers().mounts.map((l) => l.split(' ')[4])).toStrictEqual([`/run/netns/${pod.netns}`]);
      expect(fs.existsSync(podDir)).toBe(true);
      // The pod's directory, each container's and each sandbox with its pid file (random suffixes left out).
      expect(leftovers().dirs.map((d) => d.replace(/-[A-Za-z0-9]{6}(?=$|\.)/, '-*')).sort())
        .toStrictEqual(['pod-*', 'pod-a-*', 'pod-b-*', 'sandbox-*', 'sandbox-*', 'sandbox-*.pid', 'sandbox-*.pid']);
      await pod.kill('b');
      expect(pod.isRunning('b')).toBe(false);
      await pod.restart('b');
      expect(pod.isRunning('b')).toBe(true);
      await logUntil(pod, 'b', 'b-log\nb-log');
    } finally {
      await pod.stop();
    }
    await pod.stop();
    expect(leftovers()).toEqual(NOTHING);
    expect(fs.existsSync(podDir)).toBe(false);
    const logDir = path.join(LOGS, pod.netns);
    expect(fs.readFileSync(path.join(logDir, 'a.log'), 'utf8')).toBe('a-log\n');
    expect(fs.readFileSync(path.join(logDir, 'b.log'), 'utf8')).toBe('b-log\nb-log\n');
  });

  it('connects a client in a namespace of its own over a veth pair, removed with the pod', async () => {
    const pod = await start(podOf([ctr('web', 'cd /tmp && exec -a "$0" python3 -m http.server 8000', { ports: [{ containerPort: 8000 }] })]));
    try {
      const client = pod.addVethClient({ mtu: 1500 });
      expect(client).toMatchObject({ podAddress: '10.244.0.1', clientAddress: '10.244.0.2', mtu: 1500 });
      expect(leftovers().netns.sort()).toEqual([pod.netns, client.netns].sort());
      expect(spawnSync('ip', ['-n', client.netns, 'link', 'show', 'eth0'], { encoding: 'utf8' }).stdout).toContain('mtu 1500');
      const r = spawnSync('ip', ['netns', 'exec', client.netns, 'curl', '-sS', '-o', '/dev/null', '-w', '%{http_code} %{remote_ip}',
        `http://${client.podAddress}:8000/`], { encoding: 'utf8' });
      expect(r.stdout).toBe('200 10.244.0.1');
    } finally {
      await pod.stop();
    }
    expect(leftovers()).toEqual(NOTHING);
  });

  // The second half comes in one write, which the runner reads as one chunk: it is cut into.
  it('keeps only maxLogBytes of the newest output', async () => {
    const pod = await start(podOf([ctr('chatty', 'for i in $(seq 1 1000); do echo "line $i"; done; s=$(seq -f "line %g" 1001 2000); echo "$s"; exec -a "$0" sleep 60')]), { maxLogBytes: 1000 });
    try {
      const log = await logUntil(pod, 'chatty', 'line 2000\n');
      expect(log.endsWith('line 2000\n')).toBe(true);
      expect(log).not.toContain('line 1\n');
      expect(log.length).toBe(1000);
    } finally {
      await pod.stop();
    }
  });

  it('tears down, when a test file is done, the pods its failed or timed-out tests left running', () => {
    const pidFile = path.join(tmp, 'jest-pid');
    const r = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--testMatch', '**/fixtures/pod-runner/*.ts', '--forceExit'], {
      cwd: path.join(__dirname, '..', '..'), encoding: 'utf8', timeout: 30000,
      env: { ...process.env, POD_RUNNER_LEAK_MARK: `${MARK}-leak`, POD_RUNNER_LEAK_PID_FILE: pidFile },
    });
    expect(r.stderr).toMatch(/deliberate failure[^]*Exceeded timeout of 1000 ms/);
    const pid = fs.readFileSync(pidFile, 'utf8');
    fs.rmSync(pidFile);
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(`pod-${pid}-`);
    expect(leftovers()).toEqual(NOTHING);
  });
});
