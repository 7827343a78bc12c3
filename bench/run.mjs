#!/usr/bin/env node
// Speed benchmark: the project's synth and tests against the floor (Node running the compiled app)
// and the naive cdktf setup (ts-node with type-checking). Plain Node ESM, no build step.
//
//   node bench/run.mjs                 # full run: median of 5 (fast figures) / 3 (slow figures)
//   node bench/run.mjs --quick         # smoke run: 1 run each, no full test suite
//   node bench/run.mjs --runs 7        # 7 runs of everything
//   node bench/run.mjs --fast-runs 5 --slow-runs 1 --skip full,naive
//
// Logs of every run, the Jest reports and results.json go to .work/bench/<timestamp>/ (git-ignored).
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MEASURES = ['synth', 'floor', 'naive', 'unit', 'environments', 'full', 'terraform', 'loop', 'services'];
const TARGETS = {
  synthOverFloor: 1.5,
  synthSeconds: 1.5,
  unitSeconds: 20,
  fullSeconds: 90,
  loopSeconds: 15,
  noopSynthSeconds: 0.2,
};
const TSNODE_PREFIX = path.join(os.tmpdir(), 'bench-tsnode');

// ---------------------------------------------------------------- arguments
function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error(
    'usage: node bench/run.mjs [--quick] [--runs N] [--fast-runs N] [--slow-runs N] [--skip a,b] [--only a,b]\n' +
      `measures: ${MEASURES.join(', ')}`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { fast: 5, slow: 3, quick: false, skip: new Set() };
  const count = (value, flag) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) usage(`${flag} needs a positive integer, got ${value}`);
    return n;
  };
  const names = (value, flag) => {
    const list = String(value ?? '')
      .split(',')
      .filter(Boolean);
    const unknown = list.filter((name) => !MEASURES.includes(name));
    if (!list.length || unknown.length) usage(`${flag}: unknown measure ${unknown.join(', ') || '(none)'}`);
    return list;
  };
  let runs;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--quick') opts.quick = true;
    else if (flag === '--runs') runs = count(value(), flag);
    else if (flag === '--fast-runs') opts.fast = count(value(), flag);
    else if (flag === '--slow-runs') opts.slow = count(value(), flag);
    else if (flag === '--skip') names(value(), flag).forEach((name) => opts.skip.add(name));
    else if (flag === '--only') {
      const only = names(value(), flag);
      MEASURES.filter((name) => !only.includes(name)).forEach((name) => opts.skip.add(name));
    } else if (flag === '--help' || flag === '-h') usage();
    else usage(`unknown argument ${arg}`);
  }
  if (opts.quick) {
    opts.fast = 1;
    opts.slow = 1;
    opts.skip.add('full');
  }
  if (runs) {
    opts.fast = runs;
    opts.slow = runs;
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const logDir = path.join(root, '.work', 'bench', stamp);
mkdirSync(logDir, { recursive: true });
const scratch = mkdtempSync(path.join(os.tmpdir(), 'fargate-bench-'));

// ---------------------------------------------------------------- running and timing
const GNU_TIME = ['/usr/bin/time', '/usr/local/bin/time'].find(
  (file) => existsSync(file) && spawnSync(file, ['-f', '%e %M', 'true'], { encoding: 'utf8' }).status === 0,
);

/** Every child: no Checkpoint calls, no inherited ts-node/Jest switches that would change what is measured. */
function childEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('TS_NODE_')) delete env[key];
  delete env.CDKTF_OUTDIR;
  delete env.PLATFORM_ENV;
  return { ...env, CHECKPOINT_DISABLE: '1', ...extra };
}

let runCounter = 0;

/**
 * Runs a command once; resolves to { seconds, rssMiB, ok, code, log }. Wall time from
 * process.hrtime; peak RSS (largest process of the tree) from GNU time when present.
 */
function measureOnce(label, command, args, { cwd = root, env = childEnv() } = {}) {
  runCounter += 1;
  const log = path.join(logDir, `${String(runCounter).padStart(3, '0')}-${label}.log`);
  const timeFile = path.join(logDir, `${String(runCounter).padStart(3, '0')}-${label}.time`);
  const [file, argv] = GNU_TIME
    ? [GNU_TIME, ['-f', '%e %M', '-o', timeFile, command, ...args]]
    : [command, args];
  return new Promise((resolve) => {
    const out = [];
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => out.push(chunk));
    const finish = (code, error) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const text = Buffer.concat(out).toString('utf8') + (error ? `\n${error.stack}\n` : '');
      writeFileSync(log, `$ ${[command, ...args].join(' ')}\n(cwd ${cwd})\n\n${text}\n[exit ${code}]\n`);
      let rssMiB;
      if (GNU_TIME && existsSync(timeFile)) {
        // GNU time writes "Command exited with non-zero status N" before the format line.
        const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
        const kib = Number(last.split(/\s+/)[1]);
        if (Number.isFinite(kib)) rssMiB = kib / 1024;
      }
      resolve({ seconds, rssMiB, ok: code === 0, code, log });
    };
    child.on('error', (error) => finish(127, error));
    child.on('close', (code) => finish(code ?? 1));
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Summary of several runs. Medians over the runs that completed: successful ones, and test runs
 * that failed a test but ran to the end (they wrote a Jest report), since someone else's broken
 * test does not make the run shorter. Over all runs if none completed.
 */
function summarize(name, what, runs, extra = {}) {
  const good = runs.filter((run) => run.ok);
  const complete = runs.filter((run) => run.ok || run.report);
  const basis = complete.length ? complete : runs;
  const rss = basis.map((run) => run.rssMiB).filter((value) => value !== undefined);
  return {
    name,
    what,
    runs,
    failed: runs.length - good.length,
    seconds: runs.length ? median(basis.map((run) => run.seconds)) : undefined,
    min: runs.length ? Math.min(...basis.map((run) => run.seconds)) : undefined,
    max: runs.length ? Math.max(...basis.map((run) => run.seconds)) : undefined,
    rssMiB: rss.length ? median(rss) : undefined,
    ...extra,
  };
}

const progress = (line) => process.stderr.write(`${line}\n`);
const fmtRun = (run) => `${run.seconds.toFixed(2)}s${run.ok ? '' : ` ✗(exit ${run.code})`}`;

async function repeat(label, count, command, args, options) {
  const runs = [];
  for (let i = 0; i < count; i += 1) {
    const run = await measureOnce(label, command, args, options);
    progress(`  ${label} ${i + 1}/${count}: ${fmtRun(run)}`);
    runs.push(run);
  }
  return runs;
}

// ---------------------------------------------------------------- machine
function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout?.trim() || String(os.availableParallelism());
  let terraform = 'not found';
  const tf = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: childEnv() });
  if (tf.status === 0) terraform = JSON.parse(tf.stdout).terraform_version;
  const git = (args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '';
  const pkgVersion = (name) => {
    try {
      return JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return 'not installed';
    }
  };
  return {
    date: new Date().toISOString(),
    nproc,
    cpu: model,
    memoryGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    terraform,
    typescript: pkgVersion('typescript'),
    jest: pkgVersion('jest'),
    commit: `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain']) ? ' (+ uncommitted changes)' : ''}`,
    loadStart: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

// ---------------------------------------------------------------- ts-node for the naive baseline
function ensureTsNode() {
  const bin = path.join(TSNODE_PREFIX, 'node_modules', '.bin', 'ts-node');
  const repoTs = JSON.parse(
    readFileSync(path.join(root, 'node_modules', 'typescript', 'package.json'), 'utf8'),
  ).version;
  const localTs = path.join(TSNODE_PREFIX, 'node_modules', 'typescript', 'package.json');
  const have =
    existsSync(bin) && existsSync(localTs) && JSON.parse(readFileSync(localTs, 'utf8')).version === repoTs;
  if (!have) {
    progress(`installing ts-node@10 and typescript@${repoTs} into ${TSNODE_PREFIX} (outside the repo)`);
    mkdirSync(TSNODE_PREFIX, { recursive: true });
    const result = spawnSync(
      'npm',
      ['install', '--prefix', TSNODE_PREFIX, '--no-audit', '--no-fund', 'ts-node@10', `typescript@${repoTs}`],
      { encoding: 'utf8', env: childEnv() },
    );
    if (result.status !== 0 || !existsSync(bin))
      throw new Error(`npm install of ts-node failed:\n${result.stderr}`);
  }
  return bin;
}

// ---------------------------------------------------------------- Jest reports
function jestReport(file) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const files = report.testResults.map((t) => ({
      file: path.relative(root, t.name),
      seconds: (t.endTime - t.startTime) / 1000,
      status: t.status,
    }));
    return {
      suites: report.numTotalTestSuites,
      failedSuites: report.numFailedTestSuites + (report.numRuntimeErrorTestSuites ?? 0),
      tests: report.numTotalTests,
      failedTests: report.numFailedTests,
      files: files.sort((a, b) => b.seconds - a.seconds),
    };
  } catch {
    return undefined;
  }
}

async function jestMeasure(label, count, command, args) {
  const runs = [];
  for (let i = 0; i < count; i += 1) {
    const out = path.join(logDir, `${label}-${i + 1}.jest.json`);
    rmSync(out, { force: true });
    const run = await measureOnce(label, command, [...args, '--json', `--outputFile=${out}`]);
    run.report = jestReport(out);
    const r = run.report;
    const detail = r
      ? ` — ${r.suites} files, ${r.tests} tests, ${r.failedSuites} files failed`
      : ' — no Jest report';
    progress(`  ${label} ${i + 1}/${count}: ${fmtRun(run)}${detail}`);
    runs.push(run);
  }
  return runs;
}

// ---------------------------------------------------------------- Terraform
/** Terraform's environment as the offline tooling sets it: CLI config, no ambient AWS identity. */
function terraformEnv(cliConfig) {
  const env = childEnv();
  for (const key of Object.keys(env))
    if (key.startsWith('AWS_') || key.startsWith('TF_TOKEN_')) delete env[key];
  return { ...env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
}

async function terraformMeasures() {
  const results = [];
  progress('npm run plan:offline (once: synth + init/validate/plan of every stack, side by side)');
  const offline = await measureOnce('plan-offline', 'npm', ['run', 'plan:offline']);
  progress(`  plan:offline: ${fmtRun(offline)}`);
  results.push(
    summarize('plan:offline', 'npm run plan:offline (all stacks, once)', [offline], { once: true }),
  );
  const cliConfig = path.join(root, '.work', 'terraform', 'terraformrc');
  const manifestFile = path.join(root, 'cdktf.out', 'manifest.json');
  if (!offline.ok || !existsSync(manifestFile) || !existsSync(cliConfig)) {
    progress('  plan:offline failed: skipping the per-stack Terraform timings');
    return results;
  }
  const stacks = Object.keys(JSON.parse(readFileSync(manifestFile, 'utf8')).stacks);
  const env = terraformEnv(cliConfig);
  for (const stack of stacks) {
    // A private copy of the offline scratch folder, so a concurrent plan:offline cannot delete it
    // under us; the backend's state path is pointed at the copy.
    const source = path.join(root, '.work', 'offline', stack);
    const dir = path.join(scratch, 'tf', stack);
    if (!existsSync(source)) continue;
    cpSync(source, dir, {
      recursive: true,
      filter: (src) => !/[\\/]\.terraform([\\/]|$)|\.tfplan$|\.tfstate(\.backup)?$/.test(src),
    });
    const overrideFile = path.join(dir, 'zz_offline_override.tf.json');
    if (existsSync(overrideFile)) {
      const override = JSON.parse(readFileSync(overrideFile, 'utf8'));
      if (override.terraform?.backend?.local)
        override.terraform.backend.local.path = path.join(dir, 'offline.tfstate');
      writeFileSync(overrideFile, JSON.stringify(override, null, 2));
    }
    const resources = (() => {
      try {
        return Object.values(
          JSON.parse(readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')).resource ?? {},
        ).reduce((n, byName) => n + Object.keys(byName).length, 0);
      } catch {
        return undefined;
      }
    })();
    progress(`terraform, stack ${stack} (${resources ?? '?'} resources)`);
    const init = await measureOnce(`tf-init-${stack}`, 'terraform', ['init', '-input=false', '-no-color'], {
      cwd: dir,
      env,
    });
    progress(`  init: ${fmtRun(init)}`);
    results.push(summarize(`tf init ${stack}`, 'terraform init (once)', [init], { once: true }));
    if (!init.ok) continue;
    const validate = await repeat(`tf-validate-${stack}`, opts.fast, 'terraform', ['validate', '-no-color'], {
      cwd: dir,
      env,
    });
    results.push(
      summarize(`tf validate ${stack}`, `terraform validate (${resources ?? '?'} resources)`, validate),
    );
    const plan = await repeat(
      `tf-plan-${stack}`,
      opts.slow,
      'terraform',
      ['plan', '-input=false', '-no-color', '-lock=false', '-out=bench.tfplan'],
      { cwd: dir, env },
    );
    results.push(summarize(`tf plan ${stack}`, `terraform plan (${resources ?? '?'} resources)`, plan));
  }
  return results;
}

// ---------------------------------------------------------------- the daily loop
/**
 * Change one setting, see the plan: the main job (`node dist/offline-plan.js`, what
 * `npm run plan:offline` runs after its build) on dev's stacks, in a scratch working folder with a
 * copy of config/, after flipping logRetentionDays. Today's way keeps what the previous runs left
 * (the synthesis when its inputs did not change, each stack's init); the old way is `--fresh
 * --validate`: synthesize and init afresh, a separate validate, then plan, as before.
 */
async function loopMeasures() {
  const cwd = path.join(scratch, 'loop');
  const config = path.join(cwd, 'config');
  mkdirSync(config, { recursive: true });
  cpSync(path.join(root, 'config'), config, { recursive: true });
  const devFile = path.join(config, 'dev.json');
  const dev = JSON.parse(readFileSync(devFile, 'utf8'));
  let flip = 0;
  const changeOneSetting = () => {
    flip += 1;
    writeFileSync(devFile, JSON.stringify({ ...dev, logRetentionDays: flip % 2 ? 14 : 30 }, null, 2));
  };
  const env = childEnv({ PLATFORM_ENV: 'dev', PLATFORM_CONFIG_DIR: config });
  const tool = ['dist/offline-plan.js'].map((file) => path.join(root, file));
  const loop = (label, args) => measureOnce(label, 'node', [...tool, ...args], { cwd, env });
  progress('the daily loop: change one setting, plan dev (both stacks)');
  // Warm: one run leaves a synthesis and an init to reuse.
  await loop('loop-warmup', []);
  const now = [];
  const old = [];
  const unchanged = [];
  for (let i = 0; i < opts.slow; i += 1) {
    changeOneSetting();
    const run = await loop('loop-now', []);
    progress(`  today ${i + 1}/${opts.slow}: ${fmtRun(run)}`);
    now.push(run);
    const again = await loop('loop-unchanged', []);
    const text = readFileSync(again.log, 'utf8');
    const synth = /^synth .*inputs unchanged.* (\d+\.\d+) s$/m.exec(text);
    again.synthSeconds = synth ? Number(synth[1]) : undefined;
    progress(
      `  unchanged ${i + 1}/${opts.slow}: ${fmtRun(again)} (synth ${synth ? `${synth[1]} s` : 'not skipped'})`,
    );
    unchanged.push(again);
    changeOneSetting();
    const before = await loop('loop-old', ['--fresh', '--validate']);
    progress(`  old way ${i + 1}/${opts.slow}: ${fmtRun(before)}`);
    old.push(before);
  }
  const noop = unchanged.map((run) => run.synthSeconds).filter((value) => value !== undefined);
  return [
    summarize('loop, today', 'one setting changed: synth, reused init, plan side by side', now),
    summarize('loop, old way', 'one setting changed: --fresh --validate (synth, init, validate, plan)', old),
    summarize('loop, unchanged', 'nothing changed: synth, init and plan reused', unchanged, {
      noopSynthSeconds: noop.length === unchanged.length ? median(noop) : undefined,
    }),
  ];
}

/**
 * dev.json with `count` services: the shipped ones, then copies of the last (its image, task and
 * service) on paths /s<n>/* at priorities of their own.
 */
function devWithServices(dev, count) {
  const shipped = Object.entries(dev.services);
  const [, template] = shipped[shipped.length - 1];
  const services = Object.fromEntries(shipped.slice(0, count));
  for (let n = shipped.length + 1; n <= count; n += 1) {
    services[`s${n}`] = {
      ...JSON.parse(JSON.stringify(template)),
      routing: { paths: [`/s${n}/*`], priority: 1000 + n },
    };
  }
  return { ...dev, services };
}

/**
 * Many services on one foundation: synth and the offline plan of dev with 1, 5 and 20 services,
 * and the loop with 20 services: one service's image tag changed, then `plan:offline`; in the
 * default layout (one stack) and with a stack per service (20 services).
 */
async function servicesMeasures() {
  const rows = [];
  const dev = JSON.parse(readFileSync(path.join(root, 'config', 'dev.json'), 'utf8'));
  const cases = [
    { count: 1, layout: 'one-stack' },
    { count: 5, layout: 'one-stack' },
    { count: 20, layout: 'one-stack' },
    { count: 20, layout: 'stack-per-service' },
  ];
  for (const { count, layout } of cases) {
    const split = layout === 'stack-per-service';
    const label = `${count} services${split ? ', stack per service' : ''}`;
    const cwd = path.join(scratch, `services-${count}${split ? '-split' : ''}`);
    const config = path.join(cwd, 'config');
    mkdirSync(config, { recursive: true });
    const settings = { ...devWithServices(dev, count), ...(split ? { stackLayout: layout } : {}) };
    writeFileSync(path.join(config, 'dev.json'), JSON.stringify(settings, null, 2));
    const env = childEnv({
      PLATFORM_ENV: 'dev',
      PLATFORM_CONFIG_DIR: config,
      CDKTF_OUTDIR: path.join(cwd, 'cdktf.out'),
    });
    progress(`dev with ${label}`);
    const synth = await repeat(
      `services-${count}${split ? '-split' : ''}-synth`,
      opts.fast,
      'node',
      [path.join(root, 'dist', 'main.js')],
      { cwd, env },
    );
    rows.push(summarize(`synth, ${label}`, `dev with ${label}: synthesize (node dist/main.js)`, synth));
    const toolEnv = childEnv({ PLATFORM_ENV: 'dev', PLATFORM_CONFIG_DIR: config });
    const tool = path.join(root, 'dist', 'offline-plan.js');
    const plan = await repeat(
      `services-${count}${split ? '-split' : ''}-plan`,
      opts.slow,
      'node',
      [tool, '--fresh'],
      { cwd, env: toolEnv },
    );
    rows.push(summarize(`plan:offline, ${label}`, `dev with ${label}: --fresh (synth, init, plan)`, plan));
    if (count === 20) {
      const last = Object.keys(settings.services).pop();
      const loop = [];
      for (let i = 0; i < opts.slow; i += 1) {
        settings.services[last].image.tag = `0.${i + 2}.0`;
        writeFileSync(path.join(config, 'dev.json'), JSON.stringify(settings, null, 2));
        const run = await measureOnce(`services-20${split ? '-split' : ''}-loop`, 'node', [tool], {
          cwd,
          env: toolEnv,
        });
        progress(`  loop ${i + 1}/${opts.slow}: ${fmtRun(run)}`);
        loop.push(run);
      }
      rows.push(
        summarize(
          `loop, ${label}`,
          `one service's image tag changed, then plan:offline (dev, ${label})`,
          loop,
        ),
      );
    }
  }
  return rows;
}

// ---------------------------------------------------------------- main
async function main() {
  const info = machine();
  progress(`logs: ${path.relative(root, logDir)}/`);
  const rows = {};
  const notes = [];
  if (!GNU_TIME) notes.push('GNU time not found: wall time only (process.hrtime), no peak RSS.');
  if (Number(info.loadStart.split(' ')[0]) > Number(info.nproc)) {
    notes.push(
      `machine busy at start (load ${info.loadStart} on ${info.nproc} CPUs): figures are pessimistic.`,
    );
  }

  // One build first: the floor runs dist/main.js as built from the current sources.
  progress('npm run build (once)');
  const build = await measureOnce('build', 'npm', ['run', 'build']);
  progress(`  build: ${fmtRun(build)}`);
  rows.build = summarize('build', 'npm run build (esbuild, once)', [build], { once: true });

  // Fast figures, interleaved round by round so a change in background load hits all of them alike.
  // Each figure synthesizes into its own scratch folder, never into the repo's cdktf.out.
  const outdir = (label) => {
    mkdirSync(path.join(scratch, label), { recursive: true });
    return { env: childEnv({ CDKTF_OUTDIR: path.join(scratch, label, 'cdktf.out') }) };
  };
  const fast = [];
  if (!opts.skip.has('synth')) fast.push(['synth', 'npm', ['run', 'synth'], outdir('synth')]);
  if (!opts.skip.has('floor') && build.ok) fast.push(['floor', 'node', ['dist/main.js'], outdir('floor')]);
  if (!opts.skip.has('naive')) {
    try {
      const tsNode = ensureTsNode();
      // Type-checking ON (ts-node's default; --type-check makes it explicit), the repo's tsconfig.
      fast.push(['naive', tsNode, ['--type-check', '-P', 'tsconfig.json', 'main.ts'], outdir('naive')]);
    } catch (error) {
      notes.push(`naive baseline skipped: ${error.message.split('\n')[0]}`);
    }
  }
  if (fast.length) {
    if (opts.fast > 1) {
      progress('warm-up (one untimed run of each)');
      for (const [label, command, args, options] of fast)
        await measureOnce(`warmup-${label}`, command, args, options);
    }
    const runs = Object.fromEntries(fast.map(([label]) => [label, []]));
    for (let i = 0; i < opts.fast; i += 1) {
      for (const [label, command, args, options] of fast) {
        const run = await measureOnce(label, command, args, options);
        progress(`  ${label} ${i + 1}/${opts.fast}: ${fmtRun(run)}`);
        runs[label].push(run);
      }
    }
    const describe = {
      synth: 'npm run synth (incremental esbuild + the app, one process)',
      floor: 'node dist/main.js (compiled app)',
      naive: 'ts-node main.ts, type-checked',
    };
    for (const [label] of fast) rows[label] = summarize(label, describe[label], runs[label]);
  }

  // The layers as package.json defines them (the layout test holds their definitions).
  const layers = [
    ['unit', 'unit tests', 'in-process, no whole environment, no Terraform, emulator or app process'],
    [
      'environments',
      'environment tests',
      'whole environments synthesized in-process (__tests__/environments/)',
    ],
  ];
  for (const [measure, name, what] of layers) {
    if (opts.skip.has(measure)) continue;
    progress(`${name}: npm run test:${measure}`);
    rows[measure] = summarize(
      name,
      `npm run test:${measure}: ${what}`,
      await jestMeasure(measure, opts.slow, 'npm', ['run', `test:${measure}`, '--']),
    );
  }
  if (!opts.skip.has('full')) {
    progress('full suite: npm test');
    rows.full = summarize(
      'full suite',
      'npm test (everything)',
      await jestMeasure('full', opts.slow, 'npm', ['test', '--']),
    );
  }
  const terraform = opts.skip.has('terraform') ? [] : await terraformMeasures();
  if (!opts.skip.has('loop') && build.ok) {
    const [now, old, unchanged] = await loopMeasures();
    rows.loopNow = now;
    rows.loopOld = old;
    rows.loopUnchanged = unchanged;
  }
  if (!opts.skip.has('services') && build.ok) {
    for (const row of await servicesMeasures()) rows[row.name] = row;
  }
  info.loadEnd = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

  report(info, rows, terraform, notes);
  writeFileSync(
    path.join(logDir, 'results.json'),
    JSON.stringify(
      { machine: info, options: { ...opts, skip: [...opts.skip] }, rows, terraform, notes },
      null,
      2,
    ),
  );
  rmSync(scratch, { recursive: true, force: true });
  const anyFailed = [...Object.values(rows), ...terraform].some((row) => row.failed);
  return anyFailed ? 1 : 0;
}

// ---------------------------------------------------------------- report
function report(info, rows, terraform, notes) {
  const s = (value) => (value === undefined ? '—' : `${value.toFixed(2)} s`);
  const mib = (value) => (value === undefined ? '—' : `${Math.round(value)} MiB`);
  const lines = [];
  lines.push('');
  lines.push(`Speed benchmark — ${info.date}`);
  lines.push(
    `machine: ${info.nproc} CPUs, ${info.cpu}, ${info.memoryGiB} GiB; node ${info.node}, terraform ${info.terraform}, typescript ${info.typescript}, jest ${info.jest}`,
  );
  lines.push(`commit ${info.commit}; load average ${info.loadStart} at start, ${info.loadEnd} at end`);
  lines.push(
    `runs: ${opts.fast} per fast figure, ${opts.slow} per slow figure${opts.quick ? ' (--quick)' : ''}; median of the completed runs (a test run with failing tests counts); ✗ = failed run`,
  );
  lines.push('');
  const table = [['figure', 'what', 'median', 'min–max', 'peak RSS', 'runs']];
  for (const row of [...Object.values(rows), ...terraform]) {
    const runs = row.once
      ? `1 (once)${row.failed ? ' ✗' : ''}`
      : `${row.runs.length}${row.failed ? ` (${row.failed} ✗)` : ''}`;
    const range = row.once || row.min === row.max ? '' : `${row.min.toFixed(2)}–${row.max.toFixed(2)}`;
    table.push([row.name, row.what, s(row.seconds), range, mib(row.rssMiB), runs]);
  }
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  const numeric = new Set([2, 3, 4]);
  table.forEach((r, i) => {
    lines.push(
      r
        .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
        .join('  ')
        .trimEnd(),
    );
    if (i === 0) lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  });

  lines.push('');
  lines.push('Targets and ratios');
  const verdict = (value, limit) =>
    value === undefined ? 'not measured' : value <= limit ? 'met' : 'MISSED';
  const { synth, floor, naive, unit, environments, full } = rows;
  const ratio = synth && floor ? synth.seconds / floor.seconds : undefined;
  const target = (label, shown, value, limit, unitLabel) =>
    lines.push(
      `  ${label.padEnd(38)} ${shown.padStart(8)}   target ≤ ${limit}${unitLabel}   ${verdict(value, limit)}`,
    );
  target(
    'project synth / floor',
    ratio === undefined ? '—' : `${ratio.toFixed(2)}×`,
    ratio,
    TARGETS.synthOverFloor,
    '×',
  );
  target('project synth, absolute', s(synth?.seconds), synth?.seconds, TARGETS.synthSeconds, ' s');
  target('unit tests (npm run test:unit)', s(unit?.seconds), unit?.seconds, TARGETS.unitSeconds, ' s');
  target('full test suite', full ? s(full.seconds) : 'skipped', full?.seconds, TARGETS.fullSeconds, ' s');
  const { loopNow, loopOld, loopUnchanged } = rows;
  target(
    'loop: one setting changed, plan dev',
    s(loopNow?.seconds),
    loopNow?.seconds,
    TARGETS.loopSeconds,
    ' s',
  );
  for (const [row, name] of [
    ['loop, 20 services', "loop: one service's tag, 20 services in one stack"],
    ['loop, 20 services, stack per service', "loop: one service's tag, 20 services, stack per service"],
  ]) {
    target(name, s(rows[row]?.seconds), rows[row]?.seconds, TARGETS.loopSeconds, ' s');
  }
  const noop = loopUnchanged?.noopSynthSeconds;
  target('synth with unchanged inputs (no-op)', s(noop), noop, TARGETS.noopSynthSeconds, ' s');
  if (loopNow && loopOld)
    lines.push(`  loop, old way / today: ${(loopOld.seconds / loopNow.seconds).toFixed(1)}× the time`);
  if (naive && synth) {
    lines.push(
      `  naive (ts-node, type-checked) / project synth: ${(naive.seconds / synth.seconds).toFixed(1)}× the time, ` +
        `${naive.rssMiB && synth.rssMiB ? `${(naive.rssMiB / synth.rssMiB).toFixed(1)}× the peak memory` : 'memory n/a'}`,
    );
  }
  if (naive && floor) lines.push(`  naive / floor: ${(naive.seconds / floor.seconds).toFixed(1)}×`);

  for (const row of [unit, environments, full].filter(Boolean)) {
    const withReport = row.runs.filter((run) => run.report);
    if (!withReport.length) continue;
    // The run closest to the median, for its per-file timings.
    const pick = withReport.reduce((a, b) =>
      Math.abs(b.seconds - row.seconds) < Math.abs(a.seconds - row.seconds) ? b : a,
    );
    const r = pick.report;
    lines.push('');
    lines.push(
      `Slowest test files, ${row.name} (run of ${pick.seconds.toFixed(1)} s: ${r.suites} files, ${r.tests} tests; Jest's per-file time)`,
    );
    for (const f of r.files.slice(0, 6))
      lines.push(
        `  ${f.seconds.toFixed(1).padStart(6)} s  ${f.file}${f.status === 'passed' ? '' : `  ✗ ${f.status}`}`,
      );
    const counts = [...new Set(withReport.map((run) => run.report.suites))];
    if (counts.length > 1)
      lines.push(`  the test files changed during the measurement: ${counts.join(', ')} files in the runs`);
    const failedFiles = new Set(
      row.runs.flatMap(
        (run) => run.report?.files.filter((f) => f.status !== 'passed').map((f) => f.file) ?? [],
      ),
    );
    if (failedFiles.size) lines.push(`  failing in some run: ${[...failedFiles].join(', ')}`);
  }
  const failed = [...Object.values(rows), ...terraform].filter((row) => row.failed);
  if (failed.length) {
    lines.push('');
    lines.push('Failed runs (timings kept, see the logs):');
    for (const row of failed)
      for (const run of row.runs.filter((r) => !r.ok))
        lines.push(`  ${row.name}: exit ${run.code}, ${path.relative(root, run.log)}`);
  }
  if (notes.length) {
    lines.push('');
    for (const note of notes) lines.push(`note: ${note}`);
  }
  lines.push(`logs: ${path.relative(root, logDir)}/`);
  console.log(lines.join('\n'));
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`bench failed: ${error.stack ?? error}`);
    process.exitCode = 1;
  },
);
