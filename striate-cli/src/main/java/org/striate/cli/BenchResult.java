package org.striate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one workload measured; {@link #toJson} gives the keys {@code tools/bench_pytorch.py} writes too.
 *
 * @param model the built-in model
 * @param workload {@code train}, {@code infer} or {@code latency}
 * @param threads the thread count asked for
 * @param batch images per op
 * @param backend what computed, such as {@code vector kernels}
 * @param threadsInUse the thread count the backend reports it uses
 * @param ops ops measured (training steps, inference batches or batch-1 calls)
 * @param measuredSeconds wall time of the measured ops together
 * @param imagesPerSecond {@code ops * batch / measuredSeconds}
 * @param opMsMedian median duration of one op (nearest rank)
 * @param opMsP90 90th percentile duration of one op (nearest rank)
 * @param cpuUtilisation processor time of the whole process during the measurement / its wall time: about the
 *     number of cores kept busy (NaN when unknown)
 * @param allocatedKibPerOp heap allocated per measured op, in KiB, by all the process's threads (HotSpot's
 *     thread allocation counters), or null when unknown
 * @param peakRssMib the process's peak resident set size in MiB (VmHWM), or null when unknown
 */
record BenchResult(
    String model, String workload, int threads, int batch, String backend, int threadsInUse, long ops,
    double measuredSeconds, double imagesPerSecond, double opMsMedian, double opMsP90, double cpuUtilisation,
    Double allocatedKibPerOp, Double peakRssMib) {

  BenchResult withPeakRss(Double mib) {
    return new BenchResult(model, workload, threads, batch, backend, threadsInUse, ops, measuredSeconds,
        imagesPerSecond, opMsMedian, opMsP90, cpuUtilisation, allocatedKibPerOp, mib);
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("workload", workload);
    m.put("threads", threads);
    m.put("batch", batch);
    m.put("backend", backend);
    m.put("threads_in_use", threadsInUse);
    m.put("ops", ops);
    m.put("measured_seconds", measuredSeconds);
    m.put("images_per_second", imagesPerSecond);
    m.put("op_ms_median", opMsMedian);
    m.put("op_ms_p90", opMsP90);
    m.put("cpu_utilisation", Double.isNaN(cpuUtilisation) ? null : cpuUtilisation);
    m.put("allocated_kib_per_op", allocatedKibPerOp);
    m.put("peak_rss_mib", peakRssMib);
    return m;
  }

  static BenchResult fromJson(JsonNode n) {
    JsonNode rss = n.get("peak_rss_mib");
    JsonNode cpu = n.get("cpu_utilisation");
    JsonNode allocated = n.get("allocated_kib_per_op");
    return new BenchResult(n.get("model").asText(), n.get("workload").asText(), n.get("threads").asInt(),
        n.get("batch").asInt(), n.get("backend").asText(), n.get("threads_in_use").asInt(), n.get("ops").asLong(),
        n.get("measured_seconds").asDouble(), n.get("images_per_second").asDouble(), n.get("op_ms_median").asDouble(),
        n.get("op_ms_p90").asDouble(), cpu == null || cpu.isNull() ? Double.NaN : cpu.asDouble(),
        allocated == null || allocated.isNull() ? null : allocated.asDouble(),
        rss == null || rss.isNull() ? null : rss.asDouble());
  }
}
