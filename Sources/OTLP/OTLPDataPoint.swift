/// The fields OTLP's number and histogram points both have (the generated types repeat
/// them), so what concerns only these — the no-recorded-value flag, labels, times — is
/// converted once for both kinds (`OTLPMetrics.samples`).
protocol OTLPDataPoint {
    var attributes: [ProtoKeyValue] { get }
    var timeUnixNano: UInt64 { get }
    var startTimeUnixNano: UInt64 { get }
    var flags: UInt32 { get }
}

extension ProtoNumberPoint: OTLPDataPoint {}
extension ProtoHistogramPoint: OTLPDataPoint {}
