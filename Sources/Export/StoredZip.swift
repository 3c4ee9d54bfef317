import Foundation

/// A zip archive whose entries are stored uncompressed (PKWARE's APPNOTE.TXT, method 0):
/// per entry a local file header and the bytes, then the central directory and its end
/// record. Model weights barely compress, and stored entries need no deflate library.
/// No ZIP64: an entry or archive beyond 4 GiB, or more than 65,535 entries, is refused.
/// Every entry is dated 1980-01-01 00:00 (the format's epoch), so an archive depends only
/// on its contents.
enum StoredZip {
    struct Entry {
        /// The path inside the archive; a directory's ends with "/".
        var name: String
        var data: Data

        static func directory(_ name: String) -> Entry { Entry(name: name.hasSuffix("/") ? name : name + "/", data: Data()) }
        var isDirectory: Bool { name.hasSuffix("/") }
    }

    private static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1   // 1980-01-01
    private static let utf8Names: UInt16 = 1 << 11                  // general purpose flag bit 11
    private static let version: UInt16 = 20                         // 2.0: directories

    /// Writes the archive of `entries`, in order, through `write`.
    /// - Throws: `ExportError.notRepresentable` past the limits above.
    static func write(_ entries: [Entry], _ write: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard entries.count <= Int(UInt16.max) else { throw ExportError.notRepresentable("\(entries.count) zip entries, more than 65,535") }
        var central = Data()
        var offset = 0
        for entry in entries {
            let name = Data(entry.name.utf8)
            guard name.count <= Int(UInt16.max), let size = UInt32(exactly: entry.data.count), size < UInt32.max,
                  let localOffset = UInt32(exactly: offset), localOffset < UInt32.max else {
                throw ExportError.notRepresentable("zip entry \(entry.name) of \(entry.data.count) bytes at offset \(offset) needs ZIP64")
            }
            let crc = CRC32.checksum(entry.data)
            var local = Data()
            local.appendLittleEndian(UInt32(0x0403_4b50))
            for field: UInt16 in [version, utf8Names, 0, 0, dosDate] { local.appendLittleEndian(field) }   // method 0, time 0
            for field: UInt32 in [crc, size, size] { local.appendLittleEndian(field) }
            local.appendLittleEndian(UInt16(name.count))
            local.appendLittleEndian(UInt16(0))                                                            // extra field length
            local.append(name)
            try local.withUnsafeBytes(write)
            try entry.data.withUnsafeBytes(write)
            offset += local.count + entry.data.count

            // Unix mode in the high half of the external attributes ("made by" Unix, 3),
            // plus the MS-DOS directory bit for directories.
            let mode: UInt32 = entry.isDirectory ? 0o040755 : 0o100644
            central.appendLittleEndian(UInt32(0x0201_4b50))
            for field: UInt16 in [(3 << 8) | version, version, utf8Names, 0, 0, dosDate] { central.appendLittleEndian(field) }
            for field: UInt32 in [crc, size, size] { central.appendLittleEndian(field) }
            for field: UInt16 in [UInt16(name.count), 0, 0, 0, 0] { central.appendLittleEndian(field) }   // extra, comment, disk, internal
            central.appendLittleEndian(mode << 16 | (entry.isDirectory ? 0x10 : 0))
            central.appendLittleEndian(localOffset)
            central.append(name)
        }
        guard let centralOffset = UInt32(exactly: offset), let centralSize = UInt32(exactly: central.count),
              UInt64(offset) + UInt64(central.count) < UInt64(UInt32.max) else {
            throw ExportError.notRepresentable("a zip archive of \(offset) bytes needs ZIP64")
        }
        var end = Data()
        end.appendLittleEndian(UInt32(0x0605_4b50))
        for field: UInt16 in [0, 0, UInt16(entries.count), UInt16(entries.count)] { end.appendLittleEndian(field) }
        end.appendLittleEndian(centralSize)
        end.appendLittleEndian(centralOffset)
        end.appendLittleEndian(UInt16(0))                                                                  // comment length
        try central.withUnsafeBytes(write)
        try end.withUnsafeBytes(write)
    }
}

/// CRC-32 as zip uses it (ISO 3309 / ITU-T V.42: reflected polynomial 0xEDB88320,
/// initial value and final xor 0xFFFFFFFF), one table lookup per byte.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            data.withUnsafeBytes { bytes in
                for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
