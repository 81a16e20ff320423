#include "core/json/jsontextout.h"

namespace il {

void JsonTextOut::fixed(std::int64_t v, int decimals)
{
    static constexpr std::int64_t pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    const std::int64_t scale = pow10[decimals];
    if (v < 0) {
        ch('-');
        v = -v;
    }
    integer(v / scale);
    std::int64_t frac = v % scale;
    if (frac == 0)
        return;
    int digits = decimals;
    while (frac % 10 == 0) {
        frac /= 10;
        --digits;
    }
    ch('.');
    char *p = m_data.get() + m_size;
    for (int i = digits - 1; i >= 0; --i) {
        p[i] = char('0' + frac % 10);
        frac /= 10;
    }
    m_size += std::size_t(digits);
}

void JsonTextOut::string(const QString &s)
{
    ch('"');
    const auto *p = reinterpret_cast<const char16_t *>(s.constData());
    const qsizetype n = s.size();
    // A short string fits in the slack as is (at most 6 bytes a unit);
    // only a long one needs room checked as it goes.
    const bool fits = n <= shortString;
    if (fits)
        room();
    for (qsizetype i = 0; i < n; ++i) {
        if (!fits)
            room();
        const char32_t c = p[i];
        if (c < 0x80) {
            if (c == '"' || c == '\\') {
                ch('\\');
                ch(char(c));
            } else if (c >= 0x20) {
                ch(char(c));
            } else {
                escapeControl(char(c));
            }
        } else if (c < 0x800) {
            ch(char(0xc0 | (c >> 6)));
            ch(char(0x80 | (c & 0x3f)));
        } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && p[i + 1] >= 0xdc00 && p[i + 1] <= 0xdfff) {
            const char32_t u = 0x10000 + ((c - 0xd800) << 10) + (char32_t(p[++i]) - 0xdc00);
            ch(char(0xf0 | (u >> 18)));
            ch(char(0x80 | ((u >> 12) & 0x3f)));
            ch(char(0x80 | ((u >> 6) & 0x3f)));
            ch(char(0x80 | (u & 0x3f)));
        } else if (c >= 0xd800 && c <= 0xdfff) {
            literal("\xef\xbf\xbd");
        } else {
            ch(char(0xe0 | (c >> 12)));
            ch(char(0x80 | ((c >> 6) & 0x3f)));
            ch(char(0x80 | (c & 0x3f)));
        }
    }
    ch('"');
}

void JsonTextOut::escapeControl(char c)
{
    switch (c) {
    case '\n': literal("\\n"); return;
    case '\r': literal("\\r"); return;
    case '\t': literal("\\t"); return;
    case '\b': literal("\\b"); return;
    case '\f': literal("\\f"); return;
    default: break;
    }
    static constexpr char hex[] = "0123456789abcdef";
    literal("\\u00");
    ch(hex[(c >> 4) & 0xf]);
    ch(hex[c & 0xf]);
}

void JsonTextOut::flush()
{
    if (m_ok && m_size > 0)
        m_ok = m_sink(m_data.get(), m_size);
    m_size = 0;
}

} // namespace il
