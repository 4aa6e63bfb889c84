import Testing
@testable import Exporters

@Suite("HTTP: default response classifier")
struct HTTPResponseClassifierTests {
    let classifier = DefaultResponseClassifier()

    @Test(arguments: [200, 201, 202, 204, 299])
    func delivered(status: Int) {
        #expect(classifier.classify(status: status, retryAfter: nil, body: []) == .delivered)
    }

    @Test(arguments: [408, 429, 500, 501, 502, 503, 504, 599])
    func retryable(status: Int) {
        guard case .retryable(_, let retryAfter) = classifier.classify(status: status, retryAfter: .seconds(3), body: []) else {
            Issue.record("\(status) not retryable")
            return
        }
        #expect(retryAfter == .seconds(3))
    }

    @Test(arguments: [400, 401, 403, 404, 405, 413, 415, 422, 301, 302, 101])
    func permanent(status: Int) {
        guard case .permanent = classifier.classify(status: status, retryAfter: nil, body: []) else {
            Issue.record("\(status) not permanent")
            return
        }
    }

    @Test("the reason names the status and quotes the start of the body on one line")
    func reason() {
        #expect(DefaultResponseClassifier.reason(status: 400, body: []) == "400 Bad Request")
        #expect(DefaultResponseClassifier.reason(status: 400, body: Array("bad\nline\n".utf8)) == "400 Bad Request: bad line")
        #expect(DefaultResponseClassifier.reason(status: 499, body: Array("x".utf8)) == "499: x")
        let long = DefaultResponseClassifier.reason(status: 413, body: Array(repeating: UInt8(ascii: "a"), count: 1000))
        #expect(long == "413 Payload Too Large: " + String(repeating: "a", count: 200) + "…")
    }
}
