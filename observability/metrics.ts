// Cluster metrics for the actors. Counters and histograms are recorded where things happen
// (a migration); state (vCPUs, links, granules per state, queue, bus totals) is sampled when a
// scrape or an OTLP export asks for it, from callbacks the actors register once, so the numbers
// are never stale and the actors do not have to remember to update them at every change.
// Before initTelemetry (or with metrics off) everything here is a no-op.
import type {
  Attributes,
  BatchObservableResult,
  Counter,
  Histogram,
  Meter,
  Observable,
  ObservableCounter,
  ObservableGauge,
} from "@opentelemetry/api";
import type { Bus } from "../bus/mod.js";
import { METRIC } from "./names.js";
import type { GaugeSample, MigrationRecord } from "./types.js";

/**
 * Bucket bounds for migration pauses, in seconds (the unit Prometheus and the OpenTelemetry
 * conventions expect for durations): from a small rank's snapshot to a large memory's transfer.
 */
const PAUSE_BUCKETS_S = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30];

interface Instruments {
  readonly meter: Meter;
  readonly migrations: Counter;
  readonly migrationPause: Histogram;
  readonly vcpus: ObservableGauge;
  readonly crossVmLinks: ObservableGauge;
  readonly granules: ObservableGauge;
  readonly queueLength: ObservableGauge;
  readonly busMessages: ObservableCounter;
  readonly busBytes: ObservableCounter;
  readonly observables: readonly Observable[];
  readonly callback: (result: BatchObservableResult) => void;
}

/** The bus connection's own totals: counting them costs the bus nothing. */
type BusStats = Pick<Bus, "nc">;

export class GrannyMetrics {
  private instruments: Instruments | undefined;
  private readonly samplers = new Set<() => GaugeSample>();
  private readonly buses = new Set<BusStats>();
  /** Granule states ever reported, so a state that empties shows 0 instead of vanishing. */
  private readonly granuleStates = new Set<string>();

  /** Whether metrics are collected (initTelemetry found a Prometheus port or an OTLP endpoint). */
  get enabled(): boolean {
    return this.instruments !== undefined;
  }

  /** Counts one migration and its pause. */
  recordMigration(record: MigrationRecord): void {
    const i = this.instruments;
    if (!i) return;
    try {
      const attributes: Attributes = record.reason ? { reason: record.reason } : {};
      i.migrations.add(1, attributes);
      i.migrationPause.record(Math.max(0, record.pauseMs) / 1000, attributes);
    } catch {
      // Metrics must not break a migration.
    }
  }

  /**
   * Registers a function that describes the actor's current state; called at each collection.
   * Values from several samplers add up. Returns a function that unregisters it.
   */
  observe(sample: () => GaugeSample): () => void {
    this.samplers.add(sample);
    return () => this.samplers.delete(sample);
  }

  /** Counts the messages and bytes of a bus connection (its NATS totals). Returns an unregister function. */
  observeBus(bus: BusStats): () => void {
    this.buses.add(bus);
    return () => this.buses.delete(bus);
  }

  /** Creates the instruments on a meter (initTelemetry). */
  enable(meter: Meter): void {
    this.disable();
    const i = {
      meter,
      migrations: meter.createCounter(METRIC.migrations, {
        description: "Migrations of granules between hosts",
        unit: "{migration}",
      }),
      migrationPause: meter.createHistogram(METRIC.migrationPause, {
        description: "How long migrated granules were paused, from the barrier to their release",
        unit: "s",
        advice: { explicitBucketBoundaries: PAUSE_BUCKETS_S },
      }),
      vcpus: meter.createObservableGauge(METRIC.vcpus, {
        description: "vCPU slots by state (used, idle)",
        unit: "{vcpu}",
      }),
      crossVmLinks: meter.createObservableGauge(METRIC.crossVmLinks, {
        description: "Cross-VM links of running jobs: Σ_h n_h·(N − n_h) / 2 per job",
        unit: "{link}",
      }),
      granules: meter.createObservableGauge(METRIC.granules, {
        description: "Granules by lifecycle state",
        unit: "{granule}",
      }),
      queueLength: meter.createObservableGauge(METRIC.queueLength, {
        description: "Jobs waiting for placement",
        unit: "{job}",
      }),
      busMessages: meter.createObservableCounter(METRIC.busMessages, {
        description: "NATS messages sent (out) and received (in) by this actor",
        unit: "{message}",
      }),
      busBytes: meter.createObservableCounter(METRIC.busBytes, {
        description: "NATS payload bytes sent (out) and received (in) by this actor",
        unit: "By",
      }),
    };
    const observables = [
      i.vcpus,
      i.crossVmLinks,
      i.granules,
      i.queueLength,
      i.busMessages,
      i.busBytes,
    ] as const;
    const instruments: Instruments = {
      ...i,
      observables,
      callback: (result) => this.collect(instruments, result),
    };
    meter.addBatchObservableCallback(instruments.callback, [...observables]);
    this.instruments = instruments;
  }

  /** Drops the instruments (shutdownTelemetry); registered samplers stay for a later enable. */
  disable(): void {
    const i = this.instruments;
    this.instruments = undefined;
    if (i) i.meter.removeBatchObservableCallback(i.callback, [...i.observables]);
  }

  private collect(i: Instruments, result: BatchObservableResult): void {
    const total = { vcpusUsed: 0, vcpusIdle: 0, crossVmLinks: 0, queueLength: 0 };
    const seen = { vcpus: false, crossVmLinks: false, queueLength: false };
    const granules = new Map<string, number>();
    for (const sample of this.samplers) {
      let s: GaugeSample;
      try {
        s = sample();
      } catch {
        continue; // a broken sampler loses its own values, not everyone's
      }
      if (s.vcpusUsed !== undefined || s.vcpusIdle !== undefined) seen.vcpus = true;
      total.vcpusUsed += s.vcpusUsed ?? 0;
      total.vcpusIdle += s.vcpusIdle ?? 0;
      if (s.crossVmLinks !== undefined) seen.crossVmLinks = true;
      total.crossVmLinks += s.crossVmLinks ?? 0;
      if (s.queueLength !== undefined) seen.queueLength = true;
      total.queueLength += s.queueLength ?? 0;
      for (const [state, n] of Object.entries(s.granules ?? {})) {
        this.granuleStates.add(state);
        granules.set(state, (granules.get(state) ?? 0) + (n ?? 0));
      }
    }
    if (seen.vcpus) {
      result.observe(i.vcpus, total.vcpusUsed, { state: "used" });
      result.observe(i.vcpus, total.vcpusIdle, { state: "idle" });
    }
    if (seen.crossVmLinks) result.observe(i.crossVmLinks, total.crossVmLinks);
    if (seen.queueLength) result.observe(i.queueLength, total.queueLength);
    for (const state of this.granuleStates) result.observe(i.granules, granules.get(state) ?? 0, { state });

    if (this.buses.size > 0) {
      const bus = { inMsgs: 0, outMsgs: 0, inBytes: 0, outBytes: 0 };
      for (const b of this.buses) {
        try {
          const s = b.nc.stats();
          bus.inMsgs += s.inMsgs;
          bus.outMsgs += s.outMsgs;
          bus.inBytes += s.inBytes;
          bus.outBytes += s.outBytes;
        } catch {
          // a closed connection has nothing more to say
        }
      }
      result.observe(i.busMessages, bus.inMsgs, { direction: "in" });
      result.observe(i.busMessages, bus.outMsgs, { direction: "out" });
      result.observe(i.busBytes, bus.inBytes, { direction: "in" });
      result.observe(i.busBytes, bus.outBytes, { direction: "out" });
    }
  }
}

/** The process's metrics: one set per actor process, like the tracer. */
export const metrics = new GrannyMetrics();
