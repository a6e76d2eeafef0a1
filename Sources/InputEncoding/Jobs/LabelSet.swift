/// The distinct labels of an input, gathered on its first pass. The first few are compared directly (a label
/// repeats on nearly every row, and comparing short Strings is cheaper than hashing them); a set holds the rest.
struct LabelSet {
    private var few: [String] = []
    private var rest = Set<String>()
    private static let fewLimit = 16

    var isEmpty: Bool { few.isEmpty }

    /// The labels, in no particular order.
    var members: [String] { few + rest }

    mutating func insert(_ label: String) {
        if few.contains(label) { return }
        if few.count < Self.fewLimit { few.append(label) } else { rest.insert(label) }
    }

    /// The labels in byte order of their UTF-8 (the id order).
    func sorted() -> [String] {
        members.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}
