import BertKitSupport

/// Where a shuffle buffer keeps what it holds: instances (`InstanceSlots`, for `StreamingPretraining`'s instance
/// API) or their encoded records (`RecordSlots`, for `StreamingPretrainingWriter`). The draws do not depend on it.
protocol ShuffleSlots {
    /// What goes in.
    associatedtype Item
    /// What comes out.
    associatedtype Output
    /// Items held.
    var count: Int { get }
    /// Adds an item in a new slot.
    mutating func append(_ item: Item)
    /// Overwrites slot `slot`.
    mutating func store(_ item: Item, at slot: Int)
    /// Hands the item in slot `slot` to `body`.
    func hand(_ slot: Int, to body: (Output) throws -> Void) rethrows
    /// Empties the slots and returns their memory.
    mutating func removeAll()
}

/// The streaming mode's shuffle buffer: items go in until `capacity` are held; then each new item takes the slot
/// of a random one, which leaves; at the end the rest leave in a random order (a Fisher-Yates shuffle of the
/// slots). The draws come from one generator and depend only on the number of items.
struct ShuffleBuffer<Slots: ShuffleSlots> {
    private(set) var slots: Slots
    private var rng: SplitMix64
    /// Most items held.
    let capacity: Int

    init(slots: Slots, rng: SplitMix64, capacity: Int) {
        self.slots = slots
        self.rng = rng
        self.capacity = max(1, capacity)
    }

    /// Puts `item` in, handing on a random one first when the buffer is full.
    @inline(__always)
    mutating func push(_ item: Slots.Item, emit: (Slots.Output) throws -> Void) rethrows {
        if slots.count < capacity {
            slots.append(item)
        } else {
            let j = DynamicMasking.uniform(below: slots.count, using: &rng)
            try slots.hand(j, to: emit)
            slots.store(item, at: j)
        }
    }

    /// Hands on everything held, in a random order, and empties the buffer.
    mutating func finish(emit: (Slots.Output) throws -> Void) rethrows {
        var order = Array(0..<slots.count)
        var i = order.count - 1
        while i >= 1 {
            order.swapAt(i, DynamicMasking.uniform(below: i + 1, using: &rng))
            i -= 1
        }
        for slot in order { try slots.hand(slot, to: emit) }
        slots.removeAll()
    }
}

/// Encoded records (a framed TFRecord record or a JSON line each) in fixed-size slots of one array, as
/// `InstanceSlots` holds instances: `stride` is the longest record the settings allow, so a slot never moves. A
/// record longer than that (an id beyond the vocabulary the stride was measured for) is kept apart.
struct RecordSlots: ShuffleSlots {
    private let stride: Int
    private let reserve: Int
    private var storage: [UInt8] = []
    private var lengths: [Int] = []
    private var oversized: [Int: [UInt8]] = [:]

    /// Slots of `stride` bytes; room for `capacity` of them (up to 65,536) is reserved with the first.
    init(stride: Int, capacity: Int) {
        self.stride = max(1, stride)
        reserve = min(max(1, capacity), 1 << 16)
    }

    var count: Int { lengths.count }

    mutating func append(_ record: UnsafeRawBufferPointer) {
        if lengths.isEmpty {
            storage.reserveCapacity(reserve * stride)
            lengths.reserveCapacity(reserve)
        }
        storage.append(contentsOf: repeatElement(0, count: stride))
        lengths.append(0)
        store(record, at: lengths.count - 1)
    }

    @inline(__always)
    mutating func store(_ record: UnsafeRawBufferPointer, at slot: Int) {
        lengths[slot] = record.count
        if record.count <= stride {
            if !oversized.isEmpty { oversized[slot] = nil }
            let stride = self.stride
            storage.withUnsafeMutableBytes { all in
                guard let base = all.baseAddress, let source = record.baseAddress else { return }
                (base + slot * stride).copyMemory(from: source, byteCount: record.count)
            }
        } else {
            oversized[slot] = Array(record)
        }
    }

    @inline(__always)
    func hand(_ slot: Int, to body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let length = lengths[slot]
        if length > stride, let record = oversized[slot] {
            try record.withUnsafeBytes(body)
            return
        }
        try storage.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[(slot * stride)..<(slot * stride + length)]))
        }
    }

    mutating func removeAll() {
        storage = []
        lengths = []
        oversized = [:]
    }
}
