import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TaskinfaCore

/// An RFC 9457 problem document: the one shape of every error answer.
struct Problem: Encodable, Sendable {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var errors: [FieldError]?

    struct FieldError: Encodable, Sendable {
        var field: String
        var message: String
    }

    init(_ status: HTTPResponse.Status, slug: String, detail: String?, errors: [FieldError]? = nil) {
        self.type = "/api/docs#problem-\(slug)"
        self.title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.errors = errors
    }

    func response(headers extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        headers.append(contentsOf: extra)
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
