// Byte-exact, platform-independent encoding of tracker state (pickle, copy).
//
// Every value is written little-endian at a fixed width; doubles are written as
// their IEEE-754 bit pattern, so a restored tracker continues bit for bit. A
// blob starts with a header (magic, format version, engine name) so that a blob
// from another engine or an incompatible version is rejected with a clear error
// instead of being misread.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace bytetrack {

// Bump whenever the encoding of any engine changes; older blobs are rejected.
constexpr std::uint32_t kStateFormatVersion = 1;

class StateWriter {
public:
    void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void u32(std::uint32_t v) {
        for (int k = 0; k < 4; ++k) u8(static_cast<std::uint8_t>(v >> (8 * k)));
    }
    void u64(std::uint64_t v) {
        for (int k = 0; k < 8; ++k) u8(static_cast<std::uint8_t>(v >> (8 * k)));
    }
    void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
    void f64(double v) {
        std::uint64_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        u64(bits);
    }
    void boolean(bool v) { u8(v ? 1 : 0); }
    void str(const std::string& s) {
        u64(s.size());
        out_.append(s);
    }
    void header(const char* engine) {
        out_.append("BTCS", 4);
        u32(kStateFormatVersion);
        str(engine);
    }
    const std::string& bytes() const { return out_; }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

// Whether `write(w, value)` encodes a and b identically: configurations are
// compared in their saved form, so a new field cannot be forgotten here.
template <class T, class Write>
bool same_encoding(const T& a, const T& b, Write write) {
    StateWriter wa, wb;
    write(wa, a);
    write(wb, b);
    return wa.bytes() == wb.bytes();
}

// Reads what StateWriter wrote; every malformed input throws std::invalid_argument
// (never reads out of bounds).
class StateReader {
public:
    StateReader(const char* data, std::size_t size) : data_(data), size_(size) {}

    std::uint8_t u8() {
        need(1);
        return static_cast<std::uint8_t>(data_[pos_++]);
    }
    std::uint32_t u32() {
        std::uint32_t v = 0;
        for (int k = 0; k < 4; ++k) v |= static_cast<std::uint32_t>(u8()) << (8 * k);
        return v;
    }
    std::uint64_t u64() {
        std::uint64_t v = 0;
        for (int k = 0; k < 8; ++k) v |= static_cast<std::uint64_t>(u8()) << (8 * k);
        return v;
    }
    std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
    double f64() {
        const std::uint64_t bits = u64();
        double v;
        std::memcpy(&v, &bits, sizeof v);
        return v;
    }
    bool boolean() {
        const std::uint8_t v = u8();
        if (v > 1) fail("bad boolean");
        return v == 1;
    }
    // Names only: printable ASCII, so that error messages can quote them safely.
    std::string str() {
        const std::uint64_t n = u64();
        need(n);
        if (n > 64) fail("bad name");
        std::string s(data_ + pos_, static_cast<std::size_t>(n));
        for (char c : s) {
            if (c < 0x20 || c > 0x7E) fail("bad name");
        }
        pos_ += static_cast<std::size_t>(n);
        return s;
    }
    // A count of items of at least `min_item_bytes` each; bounded by what is left.
    std::size_t count(std::size_t min_item_bytes) {
        const std::uint64_t n = u64();
        if (min_item_bytes > 0 && n > (size_ - pos_) / min_item_bytes) fail("item count exceeds the data");
        return static_cast<std::size_t>(n);
    }
    void header(const char* engine) {
        // At the current position: an engine's state may nest another's.
        if (size_ - pos_ < 4 || std::memcmp(data_ + pos_, "BTCS", 4) != 0)
            fail("not a bytetrack_cpp tracker state (bad magic)");
        pos_ += 4;
        const std::uint32_t version = u32();
        if (version != kStateFormatVersion)
            fail("state format version " + std::to_string(version) +
                 " is not supported by this build (it reads version " + std::to_string(kStateFormatVersion) +
                 "); save and load with the same bytetrack_cpp release");
        const std::string name = str();
        if (name != engine) fail("state of a " + name + " cannot be loaded into a " + engine);
    }
    void finish() const {
        if (pos_ != size_) fail("trailing bytes after the state");
    }
    [[noreturn]] static void fail(const std::string& why) { throw std::invalid_argument("state: " + why); }

private:
    void need(std::uint64_t n) const {
        if (n > size_ - pos_) fail("truncated data");
    }
    const char* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

}  // namespace bytetrack
