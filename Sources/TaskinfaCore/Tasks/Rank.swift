/// Positions inside a column as fractional-index strings: between any two keys there is always
/// another, so placing a task writes one row and never renumbers the column.
///
/// A key is an integer part followed by an optional fraction, all drawn from `0-9A-Za-z` (which
/// sort in that order as bytes). The integer part's first character gives its length: `a`–`z`
/// for non-negative integers with 1–26 digits, `Z`–`A` for negative ones. Appending at the end
/// increments the integer, so a column filled from the bottom keeps 2–4 character keys; inserting
/// between two neighbours extends the fraction. Keys compare as plain byte strings, which is what
/// SQLite's BINARY and PostgreSQL's `COLLATE "C"` do.
public enum Rank {
    static let digits: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    static let zero = digits[0]
    static let last = digits[digits.count - 1]
    static let a = UInt8(ascii: "a"), z = UInt8(ascii: "z"), capitalA = UInt8(ascii: "A"), capitalZ = UInt8(ascii: "Z")
    static let smallestInteger: [UInt8] = [capitalA] + Array(repeating: zero, count: 26)

    public enum RankError: Error, Equatable {
        /// The keys are not in order (or not keys at all).
        case invalidBounds(String?, String?)
        /// No room left at the extreme end (needs 62^26 appends; never happens in practice).
        case exhausted
    }

    /// The key of the first task in an empty column.
    public static let first = "a0"

    /// A key strictly between `lower` and `upper`; nil means the open end of the column.
    public static func between(_ lower: String?, _ upper: String?) throws -> String {
        let a = lower.map { Array($0.utf8) }
        let b = upper.map { Array($0.utf8) }
        if let a { guard isValid(a) else { throw RankError.invalidBounds(lower, upper) } }
        if let b { guard isValid(b) else { throw RankError.invalidBounds(lower, upper) } }
        if let a, let b, !a.lexicographicallyPrecedes(b) { throw RankError.invalidBounds(lower, upper) }
        return String(decoding: try keyBetween(a, b), as: UTF8.self)
    }

    /// Whether `text` is a well-formed key.
    public static func isValid(_ text: String) -> Bool { isValid(Array(text.utf8)) }

    static func isValid(_ key: [UInt8]) -> Bool {
        guard let length = integerLength(key.first), key.count >= length else { return false }
        guard key.allSatisfy({ digitValue($0) != nil }) else { return false }
        if key == smallestInteger { return false }
        let fraction = key[length...]
        return fraction.last != zero
    }

    static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case capitalA...capitalZ: Int(byte - capitalA) + 10
        case a...z: Int(byte - a) + 36
        default: nil
        }
    }

    static func integerLength(_ head: UInt8?) -> Int? {
        guard let head else { return nil }
        if head >= a && head <= z { return Int(head - a) + 2 }
        if head >= capitalA && head <= capitalZ { return Int(capitalZ - head) + 2 }
        return nil
    }

    static func keyBetween(_ a: [UInt8]?, _ b: [UInt8]?) throws -> [UInt8] {
        switch (a, b) {
        case (nil, nil):
            return Array(first.utf8)
        case (nil, let b?):
            let integer = Array(b.prefix(integerLength(b.first)!))
            let fraction = Array(b.dropFirst(integer.count))
            if integer == smallestInteger { return integer + midpoint([], fraction) }
            if integer.count < b.count { return integer }
            guard let decremented = decrement(integer) else { throw RankError.exhausted }
            return decremented
        case (let a?, nil):
            let integer = Array(a.prefix(integerLength(a.first)!))
            let fraction = Array(a.dropFirst(integer.count))
            return increment(integer) ?? (integer + midpoint(fraction, nil))
        case (let a?, let b?):
            let integerA = Array(a.prefix(integerLength(a.first)!))
            let fractionA = Array(a.dropFirst(integerA.count))
            let integerB = Array(b.prefix(integerLength(b.first)!))
            let fractionB = Array(b.dropFirst(integerB.count))
            if integerA == integerB { return integerA + midpoint(fractionA, fractionB) }
            guard let incremented = increment(integerA) else { throw RankError.exhausted }
            if incremented.lexicographicallyPrecedes(b) { return incremented }
            return integerA + midpoint(fractionA, nil)
        }
    }

    /// A fraction strictly between `a` and `b` (nil = 1), neither with trailing zeros.
    static func midpoint(_ a: [UInt8], _ b: [UInt8]?) -> [UInt8] {
        if let b {
            var shared = 0
            while shared < b.count && (shared < a.count ? a[shared] : zero) == b[shared] { shared += 1 }
            if shared > 0 {
                return Array(b.prefix(shared))
                    + midpoint(Array(a.dropFirst(min(shared, a.count))), Array(b.dropFirst(shared)))
            }
        }
        let digitA = a.first.flatMap(digitValue) ?? 0
        let digitB = b.map { digitValue($0[0])! } ?? digits.count
        if digitB - digitA > 1 {
            return [digits[(digitA + digitB + 1) / 2]]
        }
        if let b, b.count > 1 { return [b[0]] }
        return [digits[digitA]] + midpoint(Array(a.dropFirst()), nil)
    }

    static func increment(_ integer: [UInt8]) -> [UInt8]? {
        var head = integer[0]
        var body = Array(integer.dropFirst())
        var index = body.count - 1
        while index >= 0 {
            let value = digitValue(body[index])! + 1
            if value == digits.count {
                body[index] = zero
                index -= 1
            } else {
                body[index] = digits[value]
                return [head] + body
            }
        }
        // Every digit carried: the integer needs one more digit (or one fewer, below zero).
        if head == capitalZ { return [a, zero] }
        if head == z { return nil }
        head += 1
        if head > a { body.append(zero) } else { body.removeLast() }
        return [head] + body
    }

    static func decrement(_ integer: [UInt8]) -> [UInt8]? {
        var head = integer[0]
        var body = Array(integer.dropFirst())
        var index = body.count - 1
        while index >= 0 {
            let value = digitValue(body[index])! - 1
            if value < 0 {
                body[index] = last
                index -= 1
            } else {
                body[index] = digits[value]
                return [head] + body
            }
        }
        if head == a { return [capitalZ, last] }
        if head == capitalA { return nil }
        head -= 1
        if head < capitalZ { body.append(last) } else { body.removeLast() }
        return [head] + body
    }
}
