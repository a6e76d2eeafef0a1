/// CPython's `random.Random` (MT19937) reproduced draw for draw, for the parts that google-research/bert's
/// `create_pretraining_data.py` calls: seeding from an integer, `random()`, `randint`, `shuffle`, and the
/// `getrandbits` / `_randbelow` they rest on. The same seed gives the same stream as Python 3.11:
///
/// ```swift
/// var rng = PythonRandom(seed: 12345)      // random.Random(12345)
/// rng.random()                             // 0.41661987254534116, as Python prints it
/// rng.randint(2, 125)                      // rng.randint(2, 125)
/// var xs = [1, 2, 3]; rng.shuffle(&xs)     // rng.shuffle(xs)
/// ```
///
/// Written from CPython's `Modules/_randommodule.c` (`init_genrand`, `init_by_array`, `random_seed`,
/// `genrand_uint32`, `random_random`, `_random_Random_getrandbits_impl`) and `Lib/random.py` (3.11:
/// `randint`, `randrange`, `_randbelow_with_getrandbits`, `shuffle`), which in turn follow Matsumoto and
/// Nishimura's `mt19937ar.c`. Golden sequences: `Fixtures/random/python-random.txt`.
///
/// As a `RandomNumberGenerator`, `next()` is two 32-bit draws (the first in the high half); Swift's own
/// `Int.random(in:using:)` then draws differently from Python, so use the Python-named methods to match it.
public struct PythonRandom: RandomNumberGenerator, Sendable {
    @usableFromInline static let n = 624
    private static let m = 397

    // Inlinable draws (below) specialize into the callers' modules: the masking loop draws several times per
    // token, and a call per draw was a tenth of `pretraining-data`'s time.
    @usableFromInline var state: [UInt32]
    @usableFromInline var index: Int

    /// `random.Random(seed)`: MT19937 seeded by `init_by_array` over the 32-bit words of `|seed|`, least
    /// significant first (one zero word for 0), as CPython's `random_seed` does for an `int`.
    public init(seed: Int) {
        let magnitude = seed.magnitude
        var key: [UInt32] = []
        var rest = UInt64(magnitude)
        repeat {
            key.append(UInt32(truncatingIfNeeded: rest))
            rest >>= 32
        } while rest != 0
        self.init(key: key)
    }

    /// MT19937 seeded by `init_by_array(key)`: the state CPython builds for an integer whose 32-bit words,
    /// least significant first, are `key` (which must not be empty).
    public init(key: [UInt32]) {
        precondition(!key.isEmpty, "init_by_array needs at least one word")
        let n = Self.n
        var mt = Self.genrandBase
        // Unchecked indexing: this runs for every document and pass of the streaming mode.
        key.withUnsafeBufferPointer { key in
        mt.withUnsafeMutableBufferPointer { mt in
            var i = 1
            var j = 0
            for _ in 0..<max(n, key.count) {
                mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
                i += 1
                j += 1
                if i >= n {
                    mt[0] = mt[n - 1]
                    i = 1
                }
                if j >= key.count { j = 0 }
            }
            for _ in 0..<(n - 1) {
                mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
                i += 1
                if i >= n {
                    mt[0] = mt[n - 1]
                    i = 1
                }
            }
            mt[0] = 0x8000_0000  // most significant bit set: the state is never all zero
        }
        }
        state = mt
        index = n
    }

    /// `init_genrand(19650218)`: the state `init_by_array` starts from, whatever the key; made once.
    private static let genrandBase: [UInt32] = {
        var mt = [UInt32](repeating: 0, count: n)
        mt[0] = 19_650_218
        for i in 1..<n {
            mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
        }
        return mt
    }()

    /// The next 32-bit output of MT19937 (`genrand_uint32`).
    @inlinable
    public mutating func nextUInt32() -> UInt32 {
        if index >= Self.n { twist() }
        var y = state.withUnsafeBufferPointer { $0[index] }  // index < n: no bounds check needed
        index &+= 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// Regenerates the 624 words of state.
    @usableFromInline
    mutating func twist() {
        let n = Self.n
        let m = Self.m
        state.withUnsafeMutableBufferPointer { mt in
            guard let base = mt.baseAddress else { return }
            let raw = UnsafeMutableRawPointer(base)
            // The reference's single loop with `% n`, split where the indexes wrap (no division per word).
            @inline(__always) func step(_ k: Int, _ next: Int, _ far: Int) {
                let y = (mt[k] & 0x8000_0000) | (mt[next] & 0x7FFF_FFFF)
                mt[k] = mt[far] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_B0DF)
            }
            // Four words per step (the twist was a twentieth of `pretraining-data`'s time, which seeds a generator
            // per document). All of a step's reads come before its writes, as in the scalar loop: word k reads
            // k + 1 (rewritten only by a later step) and k + m (first part: not yet rewritten; after the wrap,
            // k + m - n, rewritten by an earlier step).
            @inline(__always) func step4(_ k: Int, _ far: Int) {
                let here = raw.loadUnaligned(fromByteOffset: 4 * k, as: SIMD4<UInt32>.self)
                let next = raw.loadUnaligned(fromByteOffset: 4 * (k + 1), as: SIMD4<UInt32>.self)
                let farWords = raw.loadUnaligned(fromByteOffset: 4 * far, as: SIMD4<UInt32>.self)
                let y = (here & 0x8000_0000) | (next & 0x7FFF_FFFF)
                let odd = SIMD4<UInt32>(repeating: 0) &- (y & 1)  // all ones where y is odd
                raw.storeBytes(of: farWords ^ (y &>> 1) ^ (odd & 0x9908_B0DF), toByteOffset: 4 * k, as: SIMD4<UInt32>.self)
            }
            var k = 0
            while k + 4 <= n - m { step4(k, k + m); k += 4 }
            while k < n - m { step(k, k + 1, k + m); k += 1 }
            while k + 4 <= n - 1 { step4(k, k + m - n); k += 4 }
            while k < n - 1 { step(k, k + 1, k + m - n); k += 1 }
            step(n - 1, 0, m - 1)
        }
        index = 0
    }

    /// Two 32-bit draws, the first in the high half.
    @inlinable
    public mutating func next() -> UInt64 {
        let high = UInt64(nextUInt32())
        return high << 32 | UInt64(nextUInt32())
    }

    /// `random()`: a double in [0, 1) with 53 random bits, from two draws (27 and 26 bits).
    @inlinable
    public mutating func random() -> Double {
        let a = nextUInt32() >> 5
        let b = nextUInt32() >> 6
        return (Double(a) * 67_108_864.0 + Double(b)) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `getrandbits(k)` for `0 <= k <= 64`: one draw per started 32 bits, least significant word first,
    /// the last word keeping its top `k mod 32` bits.
    @inlinable
    public mutating func getrandbits(_ k: Int) -> UInt64 {
        precondition(k >= 0 && k <= 64, "getrandbits supports 0...64 bits here")
        if k == 0 { return 0 }
        if k <= 32 { return UInt64(nextUInt32() >> UInt32(32 - k)) }
        let low = UInt64(nextUInt32())
        let high = UInt64(nextUInt32() >> UInt32(64 - k))
        return high << 32 | low
    }

    /// `_randbelow(n)` (`_randbelow_with_getrandbits`): `getrandbits(n.bit_length())` until the value is below
    /// `n`. For `n == 1` this still draws (one bit per try), as Python does.
    @inlinable
    public mutating func randbelow(_ n: Int) -> Int {
        precondition(n > 0, "randbelow needs a positive bound")
        return Int(randbelow(UInt64(n)))
    }

    @inlinable
    mutating func randbelow(_ bound: UInt64) -> UInt64 {
        if bound < 1 << 32 { return UInt64(randbelow(UInt32(truncatingIfNeeded: bound))) }
        let k = 64 - bound.leadingZeroBitCount
        var r = getrandbits(k)
        while r >= bound { r = getrandbits(k) }
        return r
    }

    /// `_randbelow` for a bound below 2^32 (every bound `pretraining-data` draws): `getrandbits(k)` with
    /// `k <= 32` is one draw's top `k` bits, so each try is one draw and a shift.
    @inlinable
    mutating func randbelow(_ bound: UInt32) -> UInt32 {
        let shift = UInt32(bound.leadingZeroBitCount)  // 32 - k
        var r = nextUInt32() &>> shift
        while r >= bound { r = nextUInt32() &>> shift }
        return r
    }

    /// `randint(a, b)`: a uniform integer in `a...b`, as `a + _randbelow(b - a + 1)`. The width may be up to
    /// 2^64 - 1 (`randint(0, Int.max)` works; `randint(Int.min, Int.max)` does not).
    @inlinable
    public mutating func randint(_ a: Int, _ b: Int) -> Int {
        precondition(a <= b, "empty range for randint(\(a), \(b))")
        let width = UInt64(bitPattern: Int64(b &- a)) &+ 1
        precondition(width != 0, "randint supports ranges of fewer than 2^64 values")
        return a &+ Int(truncatingIfNeeded: randbelow(width))
    }

    /// `shuffle(x)`: for `i` from `count - 1` down to 1, swaps element `i` with element `_randbelow(i + 1)`.
    /// Inlinable so that it specializes in the caller's module: a generic call swaps through value witnesses
    /// (retains, copies) and took a fifth of `pretraining-data`'s time.
    @inlinable
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ x: inout C) where C.Index == Int {
        var i = x.count - 1
        while i >= 1 {
            let j = i < Int(UInt32.max) ? Int(randbelow(UInt32(truncatingIfNeeded: i + 1))) : randbelow(i + 1)
            x.swapAt(x.startIndex + i, x.startIndex + j)
            i -= 1
        }
    }
}
