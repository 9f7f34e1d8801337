"""poolsim's pooled loss system (benches/peers/pool.toml) as a SimPy model: the peer that
results/measure-perf.sh times poolsim against. Needs `pip install simpy`.

Usage: python3 benches/peers/simpy_pool.py HOSTS DAYS [SEED]  -> one JSON line.

How it matches poolsim's model (src/model/sim.rs, workload.rs, population.rs) and the bare
loop (benches/peers/bare_loop.rs):
- Arrivals: one SimPy process draws the same hourly login profile (bench-large's weekday and
  weekend rates, scaled by hosts / 1,000) the same way: an exponential gap at the current
  hour's rate, restarted at the hour's end when it overshoots; times in whole milliseconds.
- Users: 12 per host, named; a login picks a random offline user; none offline -> no login.
- Sessions: one SimPy process per session. Active time lognormal (mean 2 h, sd 1 h); at its
  end the user disconnects with probability 0.5 and returns after an exponential 30 minutes
  (a new active time is drawn), else logs off. A disconnected session keeps its slot.
- Hosts: HOSTS x 16 slots; a login takes a slot on a host with room (the most recently freed
  one), else fails. With equal limits the pick changes nothing that is counted.
- Events: counted as poolsim counts them: each arrival, each end of an active time, each
  return. `inner` times env.run() alone; the whole process is timed by the caller.
- Random streams: one `random.Random` per source (arrivals, users, lengths, reconnect choice,
  reconnect delay), seeded from SEED.
"""

import json
import math
import random
import sys
import time

import simpy

SECOND = 1_000
HOUR = 3_600 * SECOND
DAY = 24 * HOUR
SLOTS_PER_HOST = 16
USERS_PER_HOST = 12
WEEKDAY = [40, 20, 20, 20, 40, 150, 600, 2500, 4500, 3500, 2000, 1500,
           1800, 2200, 1500, 1000, 700, 400, 250, 150, 100, 80, 60, 50]
WEEKEND = [20, 10, 10, 10, 10, 20, 40, 80, 150, 200, 200, 200,
           200, 200, 200, 180, 150, 120, 100, 80, 60, 50, 40, 30]


def main(hosts, days, seed):
    started = time.perf_counter()
    scale = hosts / 1000
    rng_arrival, rng_user, rng_length, rng_choice, rng_delay = (
        random.Random(seed * 8 + source) for source in range(5))
    cv = 0.5
    sigma = math.sqrt(math.log(1 + cv * cv))
    mu = math.log(2 * HOUR) - sigma * sigma / 2
    reconnect_rate = 1 / (1800 * SECOND)

    used = [0] * hosts
    with_room = list(range(hosts - 1, -1, -1))
    users = hosts * USERS_PER_HOST
    offline = list(range(users))
    offline_pos = list(range(users))
    stats = {"events": 0, "attempted": 0, "failed": 0, "live": 0, "peak": 0}
    env = simpy.Environment()

    def next_arrival(now):
        t = now
        while True:
            hour_end = (t // HOUR + 1) * HOUR
            weekend = (t % (7 * DAY)) // DAY >= 5
            rate = (WEEKEND if weekend else WEEKDAY)[(t % DAY) // HOUR] * scale / HOUR
            if rate > 0:
                candidate = t + rng_arrival.expovariate(1.0) / rate
                if candidate < hour_end:
                    return round(candidate)
            t = hour_end

    def session(user, host):
        while True:
            yield env.timeout(round(rng_length.lognormvariate(mu, sigma)))
            stats["events"] += 1
            if rng_choice.random() < 0.5:
                yield env.timeout(round(rng_delay.expovariate(reconnect_rate)))
                stats["events"] += 1
                stats["attempted"] += 1
                continue
            stats["live"] -= 1
            if used[host] == SLOTS_PER_HOST:
                with_room.append(host)
            used[host] -= 1
            offline_pos[user] = len(offline)
            offline.append(user)
            return

    def arrivals():
        while True:
            now = int(env.now)
            yield env.timeout(next_arrival(now) - now)
            stats["events"] += 1
            if not offline:
                continue
            user = offline[rng_user.randrange(len(offline))]
            stats["attempted"] += 1
            if not with_room:
                stats["failed"] += 1
                continue
            host = with_room[-1]
            p = offline_pos[user]
            last = offline.pop()
            if p < len(offline):
                offline[p] = last
                offline_pos[last] = p
            offline_pos[user] = -1
            used[host] += 1
            if used[host] == SLOTS_PER_HOST:
                with_room.pop()
            stats["live"] += 1
            stats["peak"] = max(stats["peak"], stats["live"])
            env.process(session(user, host))

    env.process(arrivals())
    inner_start = time.perf_counter()
    env.run(until=days * DAY)
    inner = time.perf_counter() - inner_start
    wall = time.perf_counter() - started
    print(json.dumps({
        "model": "simpy", "hosts": hosts, "days": days, "events": stats["events"],
        "wall_seconds": round(wall, 6), "inner_seconds": round(inner, 6),
        "events_per_second": round(stats["events"] / inner),
        "logins_attempted": stats["attempted"], "logins_failed": stats["failed"],
        "peak_sessions": stats["peak"], "simpy": simpy.__version__,
    }))


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0], args[1], args[2] if len(args) > 2 else 2026)
