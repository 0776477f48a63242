import Foundation

/// A QR code (ISO/IEC 18004, model 2) of some bytes, drawn as SVG: how an authenticator app
/// reads a new two-factor seed. Byte mode, error correction level M (15 % of the symbol may be
/// damaged), versions 1–40, the mask with the lowest penalty. Written here rather than drawn by a
/// script in the page, so that the seed never leaves the server in anything but this picture and
/// its text form.
public struct QRCode: Sendable, Equatable {
    /// The modules, row by row; `true` is dark.
    public let modules: [[Bool]]
    public let version: Int
    public var size: Int { modules.count }

    public enum EncodingError: Error, Equatable {
        case tooLong(bytes: Int)
    }

    public init(_ text: String) throws {
        try self.init(bytes: Array(text.utf8))
    }

    public init(bytes: [UInt8]) throws {
        guard let version = (1...40).first(where: { Self.fits(bytes.count, version: $0) }) else {
            throw EncodingError.tooLong(bytes: bytes.count)
        }
        var grid = Grid(version: version)
        grid.drawFunctionPatterns()
        grid.drawCodewords(Self.codewords(bytes, version: version))
        let candidates = (0..<8).map { grid.masked($0) }
        self.modules = candidates.min { $0.penalty < $1.penalty }!.dark
        self.version = version
    }

    /// An SVG picture: dark modules on white with the four-module quiet zone the standard asks
    /// for, always dark on light (scanners expect it, whatever the page's theme).
    public func svg(label: String) -> String {
        let quiet = 4
        let extent = size + 2 * quiet
        var path = ""
        for (y, row) in modules.enumerated() {
            for (x, dark) in row.enumerated() where dark {
                path += "M\(x + quiet) \(y + quiet)h1v1h-1z"
            }
        }
        let escaped = label.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(extent) \(extent)" role="img" aria-label="\(escaped)" \
            shape-rendering="crispEdges"><rect width="\(extent)" height="\(extent)" fill="#fff"/>\
            <path fill="#000" d="\(path)"/></svg>
            """
    }

    // MARK: - Capacity and codewords

    /// Error-correction codewords per block at level M, by version.
    static let eccPerBlock = [
        10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
        26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ]
    /// Error-correction blocks at level M, by version.
    static let blocks = [
        1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
        17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ]

    /// Modules left for data and error correction once the function patterns are drawn.
    static func rawDataModules(_ version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCodewords(_ version: Int) -> Int {
        rawDataModules(version) / 8 - eccPerBlock[version - 1] * blocks[version - 1]
    }

    static func countBits(_ version: Int) -> Int { version <= 9 ? 8 : 16 }

    static func fits(_ count: Int, version: Int) -> Bool {
        count < (1 << countBits(version)) && 4 + countBits(version) + 8 * count <= dataCodewords(version) * 8
    }

    /// Mode, length, data, terminator and padding, split into blocks, each with its Reed–Solomon
    /// codewords, interleaved in the order they are placed.
    static func codewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }
        append(0b0100, 4)
        append(bytes.count, countBits(version))
        for byte in bytes { append(Int(byte), 8) }
        let capacity = dataCodewords(version) * 8
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var data: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while data.count < capacity / 8 {
            data.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }

        let blockCount = blocks[version - 1]
        let ecc = eccPerBlock[version - 1]
        let total = rawDataModules(version) / 8
        let shortBlocks = blockCount - total % blockCount
        let shortLength = total / blockCount - ecc
        let divisor = ReedSolomon.divisor(degree: ecc)
        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var offset = 0
        for index in 0..<blockCount {
            let length = shortLength + (index < shortBlocks ? 0 : 1)
            let block = Array(data[offset..<offset + length])
            offset += length
            dataBlocks.append(block)
            eccBlocks.append(ReedSolomon.remainder(block, divisor: divisor))
        }
        var result: [UInt8] = []
        for index in 0...shortLength {
            for block in dataBlocks where index < block.count { result.append(block[index]) }
        }
        for index in 0..<ecc {
            for block in eccBlocks { result.append(block[index]) }
        }
        return result
    }

    // MARK: - The symbol

    struct Grid {
        let version: Int
        let size: Int
        var dark: [[Bool]]
        var isFunction: [[Bool]]

        init(version: Int) {
            self.version = version
            size = version * 4 + 17
            dark = Array(repeating: Array(repeating: false, count: size), count: size)
            isFunction = dark
        }

        mutating func set(_ x: Int, _ y: Int, _ value: Bool) {
            dark[y][x] = value
            isFunction[y][x] = true
        }

        static func alignmentPositions(_ version: Int) -> [Int] {
            guard version > 1 else { return [] }
            let count = version / 7 + 2
            let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
            var positions = [6]
            var position = version * 4 + 10
            for _ in 0..<count - 1 {
                positions.insert(position, at: 1)
                position -= step
            }
            return positions
        }

        mutating func drawFunctionPatterns() {
            for i in 0..<size {
                set(6, i, i % 2 == 0)
                set(i, 6, i % 2 == 0)
            }
            for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
                for dy in -4...4 {
                    for dx in -4...4 {
                        let x = cx + dx
                        let y = cy + dy
                        guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                        let distance = max(abs(dx), abs(dy))
                        set(x, y, distance != 2 && distance != 4)
                    }
                }
            }
            let positions = Self.alignmentPositions(version)
            let last = positions.count - 1
            for (i, cx) in positions.enumerated() {
                for (j, cy) in positions.enumerated() {
                    if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                    for dy in -2...2 {
                        for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) }
                    }
                }
            }
            drawFormatBits(mask: 0)
            if version >= 7 {
                var remainder = version
                for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
                let bits = version << 12 | remainder
                for i in 0..<18 {
                    let bit = (bits >> i) & 1 == 1
                    let a = size - 11 + i % 3
                    let b = i / 3
                    set(a, b, bit)
                    set(b, a, bit)
                }
            }
        }

        /// Level M (binary 00) and the mask, with their BCH check bits, in both copies.
        mutating func drawFormatBits(mask: Int) {
            let data = mask
            var remainder = data
            for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
            let bits = (data << 10 | remainder) ^ 0x5412
            func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
            for i in 0...5 { set(8, i, bit(i)) }
            set(8, 7, bit(6))
            set(8, 8, bit(7))
            set(7, 8, bit(8))
            for i in 9..<15 { set(14 - i, 8, bit(i)) }
            for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
            for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
            set(8, size - 8, true)
        }

        /// The zig-zag of two-module columns from the bottom right, skipping the timing column.
        mutating func drawCodewords(_ codewords: [UInt8]) {
            var index = 0
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                for vertical in 0..<size {
                    for j in 0..<2 {
                        let x = right - j
                        let upward = (right + 1) & 2 == 0
                        let y = upward ? size - 1 - vertical : vertical
                        if !isFunction[y][x] && index < codewords.count * 8 {
                            dark[y][x] = (codewords[index >> 3] >> (7 - UInt8(index & 7))) & 1 == 1
                            index += 1
                        }
                    }
                }
                right -= 2
            }
        }

        func masked(_ mask: Int) -> Grid {
            var copy = self
            for y in 0..<size {
                for x in 0..<size where !isFunction[y][x] {
                    let flip =
                        switch mask {
                        case 0: (x + y) % 2 == 0
                        case 1: y % 2 == 0
                        case 2: x % 3 == 0
                        case 3: (x + y) % 3 == 0
                        case 4: (x / 3 + y / 2) % 2 == 0
                        case 5: x * y % 2 + x * y % 3 == 0
                        case 6: (x * y % 2 + x * y % 3) % 2 == 0
                        default: ((x + y) % 2 + x * y % 3) % 2 == 0
                        }
                    if flip { copy.dark[y][x].toggle() }
                }
            }
            copy.drawFormatBits(mask: mask)
            return copy
        }

        /// The standard's four penalty rules: long runs, 2×2 blocks, finder look-alikes, and an
        /// unbalanced share of dark modules.
        var penalty: Int {
            var score = 0
            let columns = (0..<size).map { x in (0..<size).map { y in dark[y][x] } }
            let finderLike: [Bool] = [true, false, true, true, true, false, true]
            for line in dark + columns {
                var run = 1
                for i in 1..<size {
                    if line[i] == line[i - 1] {
                        run += 1
                    } else {
                        if run >= 5 { score += run - 2 }
                        run = 1
                    }
                }
                if run >= 5 { score += run - 2 }
                for start in 0...(size - 7) where Array(line[start..<start + 7]) == finderLike {
                    let before = start >= 4 && !line[(start - 4)..<start].contains(true)
                    let after = start + 11 <= size && !line[(start + 7)..<(start + 11)].contains(true)
                    if before || after { score += 40 }
                }
            }
            for y in 0..<(size - 1) {
                for x in 0..<(size - 1) {
                    let value = dark[y][x]
                    if dark[y][x + 1] == value && dark[y + 1][x] == value && dark[y + 1][x + 1] == value { score += 3 }
                }
            }
            let darkCount = dark.reduce(0) { $0 + $1.filter { $0 }.count }
            let total = size * size
            let k = (abs(darkCount * 20 - total * 10) + total - 1) / total - 1
            score += max(0, k) * 10
            return score
        }
    }

    /// Reed–Solomon over GF(2⁸) with the polynomial x⁸ + x⁴ + x³ + x² + 1, as QR codes use it.
    enum ReedSolomon {
        static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
            var z = 0
            for i in stride(from: 7, through: 0, by: -1) {
                z = (z << 1) ^ ((z >> 7) * 0x11D)
                z ^= ((Int(y) >> i) & 1) * Int(x)
            }
            return UInt8(z)
        }

        static func divisor(degree: Int) -> [UInt8] {
            var result = [UInt8](repeating: 0, count: degree)
            result[degree - 1] = 1
            var root: UInt8 = 1
            for _ in 0..<degree {
                for j in 0..<degree {
                    result[j] = multiply(result[j], root)
                    if j + 1 < degree { result[j] ^= result[j + 1] }
                }
                root = multiply(root, 0x02)
            }
            return result
        }

        static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
            var result = [UInt8](repeating: 0, count: divisor.count)
            for byte in data {
                let factor = byte ^ result.removeFirst()
                result.append(0)
                for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
            }
            return result
        }
    }
}
