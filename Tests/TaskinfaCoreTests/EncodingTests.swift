import TaskinfaCore
import Testing

struct EncodingTests {
    @Test func hexHasTwoLowerCaseDigitsPerByte() {
        #expect([UInt8]([0x00, 0x0f, 0xa5, 0xff]).hexString == "000fa5ff")
        #expect([UInt8]().hexString == "")
    }
}
