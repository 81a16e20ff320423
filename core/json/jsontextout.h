#pragma once

#include <QString>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string_view>

namespace il {

// Takes the text piece by piece; returning false stops the writer (the sink
// knows and tells why).
using ByteSink = std::function<bool(const char *data, std::size_t size)>;

// JSON text gathered in a fixed 1 MiB buffer and handed to a sink whenever it
// fills, so a document of any size is written with constant memory. Callers
// write one record at a time and call room() before each: after room() there
// is always space for a record of up to `slack` bytes; strings check for
// room themselves. Once the sink refuses, everything is dropped and ok() is
// false.
class JsonTextOut
{
public:
    static constexpr std::size_t capacity = std::size_t(1) << 20;
    static constexpr std::size_t slack = 4096; // more than any record writes between room() calls

    explicit JsonTextOut(const ByteSink &sink) : m_sink(sink), m_data(new char[capacity + slack]) {}

    bool ok() const { return m_ok; }

    void room()
    {
        if (m_size >= capacity)
            flush();
    }

    // Hands over what is left; false if the sink refused any piece.
    bool finish()
    {
        flush();
        return m_ok;
    }

    void literal(std::string_view s)
    {
        std::memcpy(m_data.get() + m_size, s.data(), s.size());
        m_size += s.size();
    }

    void ch(char c) { m_data[m_size++] = c; }

    void integer(std::int64_t v)
    {
        const auto r = std::to_chars(m_data.get() + m_size, m_data.get() + m_size + 24, v);
        m_size = std::size_t(r.ptr - m_data.get());
    }

    // v / 10^decimals (decimals <= 6), exactly, without trailing zeros:
    // fixed(1250, 3) writes 1.25.
    void fixed(std::int64_t v, int decimals);

    // A JSON string from UTF-16: UTF-8 out, quotes, backslashes and control
    // characters escaped, a lone surrogate replaced by U+FFFD.
    void string(const QString &s);

private:
    static constexpr qsizetype shortString = 500; // 6 * 500 + the rest of a record < slack

    void escapeControl(char c);
    void flush();

    const ByteSink &m_sink;
    std::unique_ptr<char[]> m_data;
    std::size_t m_size = 0;
    bool m_ok = true;
};

} // namespace il
