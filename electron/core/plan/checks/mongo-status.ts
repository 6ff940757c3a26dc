// MongoDB's own resources from serverStatus: connections in use, the cache, and the operation counters
// (needs the clusterMonitor role; without it the check says so and is not counted as a problem).
import { result, type PlanCheck } from '../types';
import { isResult, isUnauthorized, num, reachMongo } from './mongo-common';

export const CONNECTIONS_HIGH_PERCENT = 80;
export const CACHE_HIGH_PERCENT = 95;

export const mongoStatus: PlanCheck = {
  id: 'mongo-status',
  title: 'Database server resources',
  description: "Reads MongoDB's server statistics: how many of its connections are in use, how full its cache is, and how much work it does.",
  frequency: 'daily',
  route: null,
  async run(ctx) {
    const mongo = await reachMongo(this, ctx, 'critical');
    if (isResult(mongo)) return { ...mongo, whatToDo: `${mongo.whatToDo ?? ''} Until MongoDB answers, PCI File Manager cannot work.`.trim() };
    let s: Record<string, unknown>;
    try {
      s = await mongo.client.db('admin').command({ serverStatus: 1 });
    } catch (err) {
      if (isUnauthorized(err)) {
        return result(this, ctx, 'not-checked', "Not checked: the MongoDB user of this connection may not read the server's statistics.", {
          whatToDo: 'To include this check, give that user the "clusterMonitor" role (or ask whoever manages MongoDB to). Everything else works without it.',
        });
      }
      throw err;
    }
    const conn = (s.connections ?? {}) as Record<string, unknown>;
    const current = num(conn.current);
    const available = num(conn.available);
    const usedPercent = current !== null && available !== null && current + available > 0 ? (current / (current + available)) * 100 : null;
    const cache = ((s.wiredTiger as Record<string, unknown> | undefined)?.cache ?? null) as Record<string, unknown> | null;
    const inCache = num(cache?.['bytes currently in the cache']);
    const maxCache = num(cache?.['maximum bytes configured']);
    const cachePercent = inCache !== null && maxCache ? (inCache / maxCache) * 100 : null;
    const ops = (s.opcounters ?? {}) as Record<string, unknown>;
    const uptime = num(s.uptime);
    const measured: Record<string, number | string | null> = {
      version: typeof s.version === 'string' ? s.version : null,
      uptimeSeconds: uptime,
      connectionsCurrent: current,
      connectionsAvailable: available,
      connectionsUsedPercent: usedPercent === null ? null : Math.round(usedPercent * 10) / 10,
      cacheUsedPercent: cachePercent === null ? null : Math.round(cachePercent * 10) / 10,
    };
    for (const k of ['insert', 'query', 'update', 'delete', 'getmore', 'command']) measured[`op${k[0].toUpperCase()}${k.slice(1)}`] = num(ops[k]);
    const perSecond = uptime ? Object.values(ops).reduce<number>((a, v) => a + (num(v) ?? 0), 0) / uptime : null;
    const details = [
      `Connections: ${current ?? '?'} in use, ${available ?? '?'} more possible.`,
      cachePercent === null ? 'Cache: not reported by this server.' : `Cache: ${cachePercent.toFixed(0)} % full.`,
      `Operations since it started${uptime ? ` ${Math.round(uptime / 3600)} hours ago` : ''}: ${['insert', 'query', 'update', 'delete'].map((k) => `${num(ops[k]) ?? 0} ${k}`).join(', ')}${perSecond !== null ? ` (about ${perSecond.toFixed(1)} per second in all)` : ''}.`,
    ];
    if (usedPercent !== null && usedPercent > CONNECTIONS_HIGH_PERCENT) {
      return result(this, ctx, 'warning', `MongoDB is running out of connections: ${usedPercent.toFixed(0)} % are in use.`, {
        measured,
        details,
        whatToDo: 'Restart PCI File Manager to release connections it holds; if it keeps climbing, tell whoever looks after the server.',
      });
    }
    if (cachePercent !== null && cachePercent > CACHE_HIGH_PERCENT) {
      return result(this, ctx, 'warning', `MongoDB's cache is ${cachePercent.toFixed(0)} % full: the database may slow down.`, {
        measured,
        details,
        whatToDo: 'Give the database server more memory, or plan that with whoever looks after it.',
      });
    }
    return result(this, ctx, 'ok', `MongoDB is answering: ${current ?? '?'} connections in use${cachePercent === null ? '' : `, cache ${cachePercent.toFixed(0)} % full`}.`, { measured, details });
  },
};
