import Glibc

// Benchmarks for scripts/bench-*.sh; not shipped.
//   outrider-bench collect N [breakdown]        one full host metrics collection, N times
//   outrider-bench scrape N NAME=PORT:PID ...   /metrics latency and server CPU, servers alternating
//   outrider-bench export PORT ITEMS             each exporter's encoder + HTTP sender to outrider-sink
//   outrider-bench otlp-load PORT SECONDS CONCURRENCY [RATE]   span requests to the OTLP receiver
//   outrider-bench decode N                      protobuf trace decoding alone, message tree vs direct

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "collect":
    let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 1000 : 1000
    collectionBenchmark(iterations: iterations, breakdown: arguments.dropFirst(2).first == "breakdown")
case "scrape":
    guard arguments.count >= 3, let count = Int(arguments[1]) else {
        print("usage: outrider-bench scrape N NAME=PORT:PID ...")
        exit(2)
    }
    scrapeBenchmark(count: count, targets: arguments.dropFirst(2).compactMap(ScrapeTarget.init))
case "export":
    guard arguments.count == 3, let port = Int(arguments[1]), let items = Int(arguments[2]) else {
        print("usage: outrider-bench export PORT ITEMS")
        exit(2)
    }
    await exportBenchmark(port: port, items: items)
case "otlp-load":
    guard arguments.count >= 4, let port = Int(arguments[1]), let seconds = Double(arguments[2]),
        let concurrency = Int(arguments[3])
    else {
        print("usage: outrider-bench otlp-load PORT SECONDS CONCURRENCY [RATE]")
        exit(2)
    }
    await otlpLoadBenchmark(port: port, seconds: seconds, concurrency: concurrency, rate: arguments.count > 4 ? Double(arguments[4]) : nil)
case "decode":
    decodeBenchmark(iterations: arguments.count > 1 ? Int(arguments[1]) ?? 2000 : 2000)
default:
    print(
        "usage: outrider-bench collect N [breakdown] | scrape N NAME=PORT:PID ... | export PORT ITEMS"
            + " | otlp-load PORT SECONDS CONCURRENCY [RATE] | decode N")
    exit(2)
}
