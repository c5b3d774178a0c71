"""Optuna 5 side of bench/tuning: the same search space, budget and objective as `kiln tune`.

Modes:
  kiln    -- Optuna samples, Kiln's own trial objective computes the value (objective-server.ts, one server
             per parallel job), so both sides optimize exactly the same function.
  synth   -- a cheap deterministic function of the same space (synthetic_objective below; the TypeScript
             side in tuning-bench.ts computes the same formula).
  overhead -- time per ask (sampler overhead) at up to N trials on the synthetic function.
Prints one JSON document. Run through bench/tuning/tuning-bench.ts.
"""
import json
import math
import subprocess
import sys
import threading
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def suggest(trial, space):
    params = {}
    for name, spec in space.items():
        when = spec.get('when')
        if when and params.get(when['param']) not in when['in']:
            continue
        if spec['type'] == 'categorical':
            params[name] = trial.suggest_categorical(name, spec['choices'])
        elif spec['type'] == 'int':
            params[name] = trial.suggest_int(name, spec['low'], spec['high'], log=spec.get('log', False))
        else:
            params[name] = trial.suggest_float(name, spec['low'], spec['high'], log=spec.get('log', False))
    return params


def synthetic_objective(p):
    return -(
        (math.log10(p['learningRate']) + 1.3) ** 2
        + (math.log2(p['maxLeaves']) - 5) ** 2 / 4
        + (math.log10(p['minDataInLeaf']) - 1.3) ** 2
        + 0.05 * (math.log10(p['lambdaL1']) + 4) ** 2 / 4
        + 0.05 * (math.log10(p['lambdaL2']) + 2) ** 2 / 4
        + 4 * (p['colsampleByTree'] - 0.7) ** 2
        + 4 * (p['subsample'] - 0.8) ** 2
    )


def sampler_of(name, seed):
    return optuna.samplers.TPESampler(seed=seed) if name == 'tpe' else optuna.samplers.RandomSampler(seed=seed)


def main():
    cfg = json.loads(sys.argv[1])
    space = cfg['space']
    study = optuna.create_study(direction='maximize', sampler=sampler_of(cfg['sampler'], cfg['seed']))
    if cfg['mode'] == 'synth':
        study.optimize(lambda t: synthetic_objective(suggest(t, space)), n_trials=cfg['trials'])
        print(json.dumps({'values': [t.value for t in study.trials]}))
        return
    if cfg['mode'] == 'overhead':
        asks = []
        cpu = []
        for _ in range(cfg['trials']):
            t0 = time.perf_counter()
            c0 = time.process_time()
            trial = study.ask()
            params = suggest(trial, space)
            asks.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            study.tell(trial, synthetic_objective(params))
        print(json.dumps({'askSeconds': asks, 'askCpuSeconds': cpu}))
        return
    # mode kiln: one objective server per job, each used by one thread at a time.
    servers = []
    for _ in range(cfg['jobs']):
        proc = subprocess.Popen(cfg['server'], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=cfg['cwd'])
        assert json.loads(proc.stdout.readline())['ready']
        servers.append({'proc': proc, 'lock': threading.Lock()})

    def objective(trial):
        params = suggest(trial, space)
        while True:
            for s in servers:
                if s['lock'].acquire(blocking=False):
                    try:
                        s['proc'].stdin.write(json.dumps({'params': params}) + '\n')
                        s['proc'].stdin.flush()
                        return json.loads(s['proc'].stdout.readline())['value']
                    finally:
                        s['lock'].release()
            time.sleep(0.001)

    t0 = time.perf_counter()
    study.optimize(objective, n_trials=cfg['trials'], n_jobs=cfg['jobs'])
    wall = time.perf_counter() - t0
    for s in servers:
        s['proc'].stdin.close()
        s['proc'].wait()
    trials = sorted(study.trials, key=lambda t: t.number)
    print(json.dumps({'values': [t.value for t in trials], 'params': [t.params for t in trials], 'wallSeconds': wall}))


main()
