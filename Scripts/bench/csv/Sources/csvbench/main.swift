import BertKitCSV
import CSV
import Foundation
import SwiftCSV

let arguments = CommandLine.arguments
let which = arguments[1]
let path = arguments[2]
let start = Date()
var rows = 0
var textBytes = 0
switch which {
case "bertkit":
    var reader = try DatasetReader(configuration: .init(path: path))
    while let record = try reader.next() {
        rows += 1
        textBytes += record.text.utf8.count
    }
case "csvswift":
    // yaslab/CSV.swift: streams from an InputStream.
    guard let stream = InputStream(fileAtPath: path) else { fatalError("open") }
    let reader = try CSVReader(stream: stream, hasHeaderRow: true)
    while let row = reader.next() {
        rows += 1
        textBytes += row[1].utf8.count
    }
case "swiftcsv":
    // SwiftCSV: loads the whole file into a String, then parses it.
    let csv = try CSV<Enumerated>(url: URL(fileURLWithPath: path), delimiter: .comma, loadColumns: false)
    for row in csv.rows {
        rows += 1
        textBytes += row[1].utf8.count
    }
default:
    fatalError("bertkit | csvswift | swiftcsv")
}
let seconds = Date().timeIntervalSince(start)
let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
print(which, "rows", rows, "textBytes", textBytes, String(format: "%.2f s  %.1f MB/s", seconds, Double(size) / seconds / 1e6))
