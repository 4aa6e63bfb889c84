// The libFuzzer entry point for the direct protobuf trace reader, built by
// scripts/fuzz-trace-reader.sh (swiftc -sanitize=fuzzer,address, with
// -D OUTRIDER_LIBFUZZER_TRACE_READER) together with the Receivers/Decoding sources and
// ../ReaderEquivalence.swift. In the ReceiversTests target the condition is unset and the
// file is empty.
#if OUTRIDER_LIBFUZZER_TRACE_READER
/// Each input is read by both parsers as an `ExportTraceServiceRequest`: the same batches and
/// partial success, or the same refusal, else the run stops on this input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTraceReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    if let difference = ReaderEquivalence.difference(body) { fatalError("the readers disagree: \(difference)") }
    return 0
}
#endif
