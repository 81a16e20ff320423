#include "core/json/jsonreader.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>

namespace il::json {

namespace {

// Bytes past the end of the buffer that loops may look at: the byte at
// m_end is always 0, which stops every scanning loop without a bounds check.
constexpr std::size_t kPadding = 16;

// Bytes that need no attention inside a string: printable ASCII other than
// '"' and '\\'. The 0 at the buffer's end is not plain, so the scan stops there.
constexpr std::array<bool, 256> kPlain = [] {
    std::array<bool, 256> t{};
    for (int c = 0x20; c < 0x80; ++c)
        t[std::size_t(c)] = c != '"' && c != '\\';
    return t;
}();

inline bool isDigit(int c)
{
    return unsigned(c - '0') < 10u;
}

int hexValue(int c)
{
    if (isDigit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void appendUtf8(std::string &out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

// "'x'" for a printable byte, "byte 0x07" otherwise.
QString describeByte(unsigned char c)
{
    if (c > 0x20 && c < 0x7F)
        return QStringLiteral("'%1'").arg(QChar(c));
    return QStringLiteral("byte 0x") + QString::number(c, 16).toUpper().rightJustified(2, QLatin1Char('0'));
}

QString hex4Text(std::uint32_t unit)
{
    return QString::number(unit, 16).toUpper().rightJustified(4, QLatin1Char('0'));
}

// from_chars said out of range: was the literal too large (overflow) or too
// close to zero (underflow)? The decimal position of the first significant
// digit plus the exponent tells, without parsing anything big.
bool literalOverflows(std::string_view s)
{
    std::size_t k = s.size() && s[0] == '-' ? 1 : 0;
    std::int64_t magnitude = 0;
    bool significant = false;
    for (; k < s.size() && isDigit(s[k]); ++k) {
        significant = significant || s[k] != '0';
        if (significant)
            ++magnitude;
    }
    if (k < s.size() && s[k] == '.') {
        for (++k; k < s.size() && isDigit(s[k]); ++k) {
            if (significant)
                continue;
            if (s[k] != '0')
                significant = true;
            else
                --magnitude;
        }
    }
    if (!significant)
        return false;
    std::int64_t exponent = 0;
    bool negative = false;
    if (k < s.size() && (s[k] == 'e' || s[k] == 'E')) {
        ++k;
        if (k < s.size() && (s[k] == '+' || s[k] == '-'))
            negative = s[k++] == '-';
        for (; k < s.size() && isDigit(s[k]); ++k)
            exponent = std::min<std::int64_t>(exponent * 10 + (s[k] - '0'), 1'000'000'000'000);
    }
    return magnitude + (negative ? -exponent : exponent) > 0;
}

// The common literal exactly and quickly: at most 15 digits and no
// exponent ("1234", "-0.125", "1712.375"). Its digits as an integer are
// exact in a double (< 2^53), and so is 10^k for k <= 22, so one division
// rounds correctly: the same double std::from_chars gives. False for
// anything else (an exponent, more digits), which takes the general way.
bool shortDecimal(std::string_view s, double &value, std::uint64_t &digits)
{
    static constexpr double powersOf10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                            1e12, 1e13, 1e14, 1e15, 1e16};
    std::size_t k = s[0] == '-' ? 1 : 0;
    if (s.size() - k > 16) // 15 digits and a '.'
        return false;
    std::uint64_t m = 0;
    int count = 0, fraction = -1;
    for (; k < s.size(); ++k) {
        const char c = s[k];
        if (isDigit(c)) {
            m = m * 10 + std::uint64_t(c - '0');
            ++count;
            if (fraction >= 0)
                ++fraction;
        } else if (c == '.') {
            fraction = 0;
        } else {
            return false; // an exponent
        }
    }
    if (count > 15)
        return false;
    double v = double(m);
    if (fraction > 0)
        v /= powersOf10[fraction];
    value = s[0] == '-' ? -v : v;
    digits = m;
    return true;
}

} // namespace

const char *tokenName(Token token)
{
    switch (token) {
    case Token::None: return "None";
    case Token::BeginObject: return "BeginObject";
    case Token::EndObject: return "EndObject";
    case Token::BeginArray: return "BeginArray";
    case Token::EndArray: return "EndArray";
    case Token::Key: return "Key";
    case Token::String: return "String";
    case Token::Number: return "Number";
    case Token::Bool: return "Bool";
    case Token::Null: return "Null";
    case Token::EndOfInput: return "EndOfInput";
    case Token::Error: return "Error";
    }
    return "?";
}

QString Error::message() const
{
    return QStringLiteral("at byte %1 (line %2, column %3): %4").arg(offset).arg(line).arg(column).arg(reason);
}

// ---------------------------------------------------------------- set-up

JsonReader::JsonReader(JsonSource &source, Options options) : m_source(&source), m_options(options)
{
    init();
}

JsonReader::JsonReader(QByteArray bytes, Options options)
    : m_ownedBytes(std::move(bytes)), m_options(options)
{
    m_ownedSource = std::make_unique<MemorySource>(m_ownedBytes);
    m_source = m_ownedSource.get();
    init();
}

JsonReader::JsonReader(QByteArrayView bytes, Options options)
    : m_ownedSource(std::make_unique<MemorySource>(bytes)), m_options(options)
{
    m_source = m_ownedSource.get();
    init();
}

JsonReader::~JsonReader()
{
    delete[] m_buf;
}

void JsonReader::init()
{
    m_options.chunkBytes = std::max<std::size_t>(m_options.chunkBytes, 64);
    m_options.maxDepth = std::max(m_options.maxDepth, 1);
    m_cap = m_options.chunkBytes;
    m_buf = new char[m_cap + kPadding];
    m_buf[0] = 0;
    m_pos = m_end = m_buf;
    m_stack.reserve(std::size_t(std::min(m_options.maxDepth, 64)));
}

// Appends what the source gives after m_end. When the room there runs low
// (under a quarter chunk), the bytes from m_pos on (the token being read)
// move to the front first; a token that leaves less than half a chunk free
// doubles the buffer, and the buffer shrinks back once a giant token is over.
// So memory follows the longest token, never the document, and a long token
// read in small pieces is not moved over and over: after a move at least a
// quarter chunk is read before the next one, and a token still growing then
// doubles the buffer instead.
bool JsonReader::refill()
{
    if (m_eof)
        return false;
    const std::size_t chunk = m_options.chunkBytes;
    std::size_t room = m_cap - std::size_t(m_end - m_buf);
    const bool oversized = m_cap > 4 * chunk && std::size_t(m_end - m_pos) < chunk;
    if (room < chunk / 4 || oversized) {
        if (m_capture && !m_captureOverflow) {
            // Bytes before m_pos are about to go: keep the captured ones.
            const std::int64_t n = m_pos - m_captureFrom;
            if (m_capture->size() + n > m_options.maxRawBytes)
                m_captureOverflow = true;
            else
                m_capture->append(m_captureFrom, qsizetype(n));
        }
        const std::size_t keep = std::size_t(m_end - m_pos);
        std::size_t capacity = m_cap;
        if (keep + chunk / 2 > m_cap)
            capacity = 2 * m_cap; // leaves at least m_cap >= chunk free
        else if (oversized)
            capacity = 2 * chunk;
        m_bufOffset = streamOffset(m_pos);
        if (capacity != m_cap) {
            char *fresh = new char[capacity + kPadding];
            std::memcpy(fresh, m_pos, keep);
            delete[] m_buf;
            m_buf = fresh;
            m_cap = capacity;
        } else if (keep > 0) {
            std::memmove(m_buf, m_pos, keep);
        }
        m_pos = m_buf;
        m_end = m_buf + keep;
        m_captureFrom = m_buf;
        m_buf[keep] = 0;
        room = m_cap - keep;
    }
    const std::int64_t n = m_source->read(m_buf + (m_end - m_buf), std::int64_t(room));
    if (n <= 0) {
        if (n < 0) {
            m_readError = m_source->errorString();
            if (m_readError.isEmpty())
                m_readError = QStringLiteral("the source reported an error");
        }
        m_eof = true;
        return false;
    }
    m_end += n;
    m_buf[m_end - m_buf] = 0;
    return true;
}

bool JsonReader::ensure(std::size_t n)
{
    while (std::size_t(m_end - m_pos) < n) {
        if (!refill())
            return false;
    }
    return true;
}

void JsonReader::skipWhitespace()
{
    for (;;) {
        const unsigned char c = static_cast<unsigned char>(*m_pos);
        if (c > ' ')
            return;
        if (c == ' ' || c == '\t' || c == '\r') {
            ++m_pos;
        } else if (c == '\n') {
            // Newlines only ever appear here (a raw one in a string is an
            // error), so counting them here keeps line numbers exact.
            ++m_pos;
            ++m_line;
            m_lineStart = streamOffset(m_pos);
        } else if (m_pos == m_end) {
            if (!refill())
                return;
        } else {
            return; // another control byte: the caller reports it
        }
    }
}

// ---------------------------------------------------------------- errors

Token JsonReader::fail(ErrorCode code, std::int64_t offset, QString reason)
{
    Q_ASSERT(offset >= m_lineStart);
    m_error.code = code;
    m_error.offset = offset;
    m_error.line = m_line;
    m_error.column = offset - m_lineStart + 1;
    m_error.reason = std::move(reason);
    m_state = State::Failed;
    m_token = Token::Error;
    m_tokenOffset = offset;
    m_text = {};
    return Token::Error;
}

Token JsonReader::failUnexpected(const char *expected)
{
    if (atEnd())
        return failEnd();
    return fail(ErrorCode::UnexpectedCharacter, streamOffset(m_pos),
                QStringLiteral("%1 (got %2)").arg(QLatin1String(expected), describeByte(static_cast<unsigned char>(*m_pos))));
}

// The input ended between tokens: say inside what.
Token JsonReader::failEnd()
{
    const std::int64_t end = streamOffset(m_end);
    if (!m_readError.isEmpty())
        return fail(ErrorCode::ReadFailed, end, QStringLiteral("reading failed: %1").arg(m_readError));
    if (!m_stack.empty()) {
        const Frame &f = m_stack.back();
        QString reason = QStringLiteral("ends inside %1 started at byte %2")
                             .arg(QLatin1String(f.object ? "an object" : "an array"))
                             .arg(f.start);
        switch (m_state) {
        case State::Colon: reason += QStringLiteral(" (expected ':' after a key)"); break;
        case State::Key: reason += QStringLiteral(" (expected a key after ',')"); break;
        case State::KeyOrEnd: reason += QStringLiteral(" (expected a key or '}')"); break;
        case State::ElementOrEnd: reason += QStringLiteral(" (expected a value or ']')"); break;
        case State::Value:
            reason += QLatin1String(f.object ? " (expected a value after ':')" : " (expected a value after ',')");
            break;
        case State::AfterValue:
            reason += QLatin1String(f.object ? " (expected ',' or '}')" : " (expected ',' or ']')");
            break;
        default: break;
        }
        return fail(ErrorCode::Truncated, end, reason);
    }
    return fail(ErrorCode::Truncated, end,
                end == 0 ? QStringLiteral("no JSON value: the input is empty")
                         : QStringLiteral("no JSON value: the input holds only whitespace"));
}

Token JsonReader::failTruncated(const char *what, std::int64_t start)
{
    if (!m_readError.isEmpty())
        return fail(ErrorCode::ReadFailed, streamOffset(m_end), QStringLiteral("reading failed: %1").arg(m_readError));
    return fail(ErrorCode::Truncated, streamOffset(m_end),
                QStringLiteral("ends inside %1 started at byte %2").arg(QLatin1String(what)).arg(start));
}

// ---------------------------------------------------------------- tokens

Token JsonReader::next()
{
    // Start, Done, Failed and Pending are rare: one compare keeps them off
    // the path every token takes.
    if (m_state >= State::Start) [[unlikely]]
        return nextSpecial();
    skipWhitespaceInline();
    m_tokenOffset = streamOffset(m_pos);
    const unsigned char c = static_cast<unsigned char>(*m_pos);
    switch (m_state) {
    case State::AfterValue: {
        const bool object = m_stack.back().object;
        if (c == ',') {
            ++m_pos;
            m_state = object ? State::Key : State::Value;
            skipWhitespaceInline();
            m_tokenOffset = streamOffset(m_pos);
            if (!object)
                return readValue("expected a value after ','");
            if (*m_pos == '"')
                return readString(Token::Key);
            return failUnexpected("expected a key string after ','");
        }
        if (c == (object ? '}' : ']'))
            return closeContainer();
        return failUnexpected(object ? "expected ',' or '}' after an object member"
                                     : "expected ',' or ']' after an array element");
    }
    case State::Colon:
        if (c != ':')
            return failUnexpected("expected ':' after an object key");
        ++m_pos;
        m_state = State::Value;
        skipWhitespaceInline();
        m_tokenOffset = streamOffset(m_pos);
        return readValue("expected a value after ':'");
    case State::Key:
        if (c == '"')
            return readString(Token::Key);
        return failUnexpected("expected a key string after ','");
    case State::KeyOrEnd:
        if (c == '"')
            return readString(Token::Key);
        if (c == '}')
            return closeContainer();
        return failUnexpected("expected a key string or '}'");
    case State::ElementOrEnd:
        if (c == ']')
            return closeContainer();
        return readValue("expected a value or ']'");
    case State::Value:
        // The document's start, or an array element after readRawValue took the ','.
        return readValue(m_stack.empty() ? "expected a JSON value" : "expected a value after ','");
    default:
        break;
    }
    return Token::Error;
}

Token JsonReader::nextSpecial()
{
    switch (m_state) {
    case State::Pending:
        m_state = m_pendingState;
        return m_token;
    case State::Failed:
        return Token::Error;
    case State::Start:
        skipByteOrderMark();
        m_state = State::Value;
        return next();
    case State::Done: {
        skipWhitespace();
        m_tokenOffset = streamOffset(m_pos);
        if (!atEnd())
            return fail(ErrorCode::TrailingContent, m_tokenOffset,
                        QStringLiteral("unexpected content after the JSON value (got %1)")
                            .arg(describeByte(static_cast<unsigned char>(*m_pos))));
        if (!m_readError.isEmpty())
            return failEnd();
        m_token = Token::EndOfInput;
        return m_token;
    }
    default:
        break;
    }
    return Token::Error;
}

// next() took a token the caller did not want as a value: hand it out again.
void JsonReader::pushBack()
{
    m_pendingState = m_state;
    m_state = State::Pending;
}

// A UTF-8 byte order mark, as some editors write, is not content.
void JsonReader::skipByteOrderMark()
{
    if (streamOffset(m_pos) == 0 && ensure(3) && std::memcmp(m_pos, "\xEF\xBB\xBF", 3) == 0)
        m_pos += 3;
}

bool JsonReader::consumeColon()
{
    skipWhitespace();
    if (*m_pos != ':') {
        failUnexpected("expected ':' after an object key");
        return false;
    }
    ++m_pos;
    m_state = State::Value;
    return true;
}

Token JsonReader::readValue(const char *expected)
{
    switch (*m_pos) {
    case '{':
        return openContainer(true);
    case '[':
        return openContainer(false);
    case '"':
        return readString(Token::String);
    case 't':
        return readLiteral("true", 4, Token::Bool, true);
    case 'f':
        return readLiteral("false", 5, Token::Bool, false);
    case 'n':
        return readLiteral("null", 4, Token::Null, false);
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return readNumber();
    default:
        return failUnexpected(expected);
    }
}

Token JsonReader::afterScalar(Token kind)
{
    m_token = kind;
    m_state = m_stack.empty() ? State::Done : State::AfterValue;
    return kind;
}

Token JsonReader::openContainer(bool object)
{
    if (m_stack.size() >= std::size_t(m_options.maxDepth))
        return fail(ErrorCode::TooDeep, m_tokenOffset,
                    QStringLiteral("nesting deeper than %1 levels").arg(m_options.maxDepth));
    m_stack.push_back(Frame{m_tokenOffset, object});
    ++m_pos;
    m_state = object ? State::KeyOrEnd : State::ElementOrEnd;
    m_token = object ? Token::BeginObject : Token::BeginArray;
    return m_token;
}

Token JsonReader::closeContainer()
{
    const bool object = m_stack.back().object;
    m_stack.pop_back();
    ++m_pos;
    m_state = m_stack.empty() ? State::Done : State::AfterValue;
    m_token = object ? Token::EndObject : Token::EndArray;
    return m_token;
}

Token JsonReader::readLiteral(const char *word, std::size_t length, Token kind, bool value)
{
    for (std::size_t k = 1; k < length; ++k) {
        if (!ensure(k + 1))
            return failTruncated(kind == Token::Null ? "the literal null" : value ? "the literal true" : "the literal false",
                                 m_tokenOffset);
        if (m_pos[k] != word[k]) {
            m_pos += k; // so the error names the offending byte
            return failUnexpected(kind == Token::Null ? "expected 'null'" : value ? "expected 'true'" : "expected 'false'");
        }
    }
    m_pos += length;
    m_bool = value;
    return afterScalar(kind);
}

// m_pos is at the opening quote. Plain runs are scanned with one table
// look-up per byte; a string without escapes is handed out as a view into the
// buffer, one with escapes is decoded into m_scratch.
Token JsonReader::readString(Token kind)
{
    // Most strings are short, plain and inside the buffer: one scan.
    const unsigned char *p = reinterpret_cast<const unsigned char *>(m_pos) + 1;
    while (kPlain[*p])
        ++p;
    std::size_t i = std::size_t(p - reinterpret_cast<const unsigned char *>(m_pos));
    if (*p == '"' && std::int64_t(i - 1) <= m_options.maxStringBytes) [[likely]] {
        m_text = std::string_view(m_pos + 1, i - 1);
        return stringRead(kind, i);
    }
    return readStringSlow(kind, i);
}

// The general case: escapes, UTF-8, the buffer's end, limits. m_pos[1, i)
// was already found plain.
Token JsonReader::readStringSlow(Token kind, std::size_t i)
{
    const std::int64_t start = m_tokenOffset;
    const char *what = kind == Token::Key ? "an object key" : "a string";
    std::size_t copied = 1; // with escapes: m_pos[1, copied) is in m_scratch
    bool escaped = false;
    for (;;) {
        const unsigned char *p = reinterpret_cast<const unsigned char *>(m_pos) + i;
        while (kPlain[*p])
            ++p;
        i = std::size_t(p - reinterpret_cast<const unsigned char *>(m_pos));
        // The limit first, whatever stopped the scan: so "too long" never
        // depends on where a chunk ended.
        if (std::int64_t(i - 1) > m_options.maxStringBytes)
            return fail(ErrorCode::StringTooLong, start,
                        QStringLiteral("%1 longer than %2 bytes").arg(QLatin1String(what)).arg(m_options.maxStringBytes));
        const unsigned char c = *p;
        if (c == '"')
            break;
        if (c == '\\') {
            if (!escaped) {
                m_scratch.clear();
                escaped = true;
            }
            m_scratch.append(m_pos + copied, i - copied);
            if (!decodeEscape(i, start))
                return Token::Error;
            copied = i;
            continue;
        }
        if (c >= 0x80) {
            if (!checkUtf8(i, start))
                return Token::Error;
            continue;
        }
        if (reinterpret_cast<const char *>(p) == m_end) {
            if (!refill())
                return failTruncated(what, start);
            continue;
        }
        return fail(ErrorCode::ControlCharacter, streamOffset(reinterpret_cast<const char *>(p)),
                    QStringLiteral("raw control character %1 in %2 (write it as \\u%3)")
                        .arg(describeByte(c), QLatin1String(what), hex4Text(c)));
    }
    if (escaped) {
        m_scratch.append(m_pos + copied, i - copied);
        m_text = m_scratch;
    } else {
        m_text = std::string_view(m_pos + 1, i - 1);
    }
    return stringRead(kind, i);
}

// m_text holds the string that ends at m_pos[i] (its closing quote): a key
// wants its colon next, a value is a scalar.
Token JsonReader::stringRead(Token kind, std::size_t i)
{
    m_pos += i + 1;
    if (kind == Token::Key) {
        m_token = Token::Key;
        m_state = State::Colon;
        return m_token;
    }
    return afterScalar(Token::String);
}

// m_pos[i] is a backslash. Appends the decoded character to m_scratch and
// moves i past the escape.
bool JsonReader::decodeEscape(std::size_t &i, std::int64_t stringStart)
{
    const std::int64_t at = streamOffset(m_pos + i);
    if (!ensure(i + 2)) {
        failTruncated("a string", stringStart);
        return false;
    }
    const unsigned char e = static_cast<unsigned char>(m_pos[i + 1]);
    char simple = 0;
    switch (e) {
    case '"': simple = '"'; break;
    case '\\': simple = '\\'; break;
    case '/': simple = '/'; break;
    case 'b': simple = '\b'; break;
    case 'f': simple = '\f'; break;
    case 'n': simple = '\n'; break;
    case 'r': simple = '\r'; break;
    case 't': simple = '\t'; break;
    case 'u': break;
    default:
        fail(ErrorCode::InvalidEscape, at,
             QStringLiteral("invalid escape: a backslash followed by %1 (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
                 .arg(describeByte(e)));
        return false;
    }
    if (simple) {
        m_scratch += simple;
        i += 2;
        return true;
    }
    // Four hex digits starting at m_pos[from]; -1 after reporting a problem.
    const auto hex4 = [&](std::size_t from, std::int64_t escapeAt) -> int {
        int v = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            if (!ensure(from + k + 1)) {
                failTruncated("a string", stringStart);
                return -1;
            }
            const int h = hexValue(static_cast<unsigned char>(m_pos[from + k]));
            if (h < 0) {
                fail(ErrorCode::InvalidEscape, escapeAt, QStringLiteral("\\u must be followed by four hex digits"));
                return -1;
            }
            v = v * 16 + h;
        }
        return v;
    };
    const int unit = hex4(i + 2, at);
    if (unit < 0)
        return false;
    std::uint32_t cp = std::uint32_t(unit);
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        fail(ErrorCode::LoneSurrogate, at,
             QStringLiteral("lone low surrogate \\u%1 (no high surrogate before it)").arg(hex4Text(cp)));
        return false;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        const QString lone =
            QStringLiteral("lone high surrogate \\u%1 (not followed by a \\uDC00-\\uDFFF escape)").arg(hex4Text(cp));
        if (!ensure(i + 7)) {
            failTruncated("a string", stringStart);
            return false;
        }
        if (m_pos[i + 6] != '\\') {
            fail(ErrorCode::LoneSurrogate, at, lone);
            return false;
        }
        if (!ensure(i + 8)) {
            failTruncated("a string", stringStart);
            return false;
        }
        if (m_pos[i + 7] != 'u') {
            fail(ErrorCode::LoneSurrogate, at, lone);
            return false;
        }
        const int low = hex4(i + 8, streamOffset(m_pos + i + 6));
        if (low < 0)
            return false;
        if (low < 0xDC00 || low > 0xDFFF) {
            fail(ErrorCode::LoneSurrogate, at, lone);
            return false;
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (std::uint32_t(low) - 0xDC00);
        i += 12;
    } else {
        i += 6;
    }
    appendUtf8(m_scratch, cp);
    return true;
}

// m_pos[i] is a byte >= 0x80: checks one UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates, nothing past U+10FFFF) and moves i past it.
// Valid bytes are kept as they are, so no copy is needed.
bool JsonReader::checkUtf8(std::size_t &i, std::int64_t stringStart)
{
    const unsigned char lead = static_cast<unsigned char>(m_pos[i]);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF; // range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0)
            low = 0xA0;
        else if (lead == 0xED)
            high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0)
            low = 0x90;
        else if (lead == 0xF4)
            high = 0x8F;
    }
    const auto invalid = [&] {
        fail(ErrorCode::InvalidUtf8, streamOffset(m_pos + i),
             QStringLiteral("invalid UTF-8 in a string (%1)").arg(describeByte(lead)));
        return false;
    };
    if (length == 0)
        return invalid();
    for (std::size_t k = 1; k < length; ++k) {
        if (!ensure(i + k + 1)) {
            failTruncated("a string", stringStart);
            return false;
        }
        const unsigned char b = static_cast<unsigned char>(m_pos[i + k]);
        if (k == 1 ? (b < low || b > high) : (b < 0x80 || b > 0xBF))
            return invalid();
    }
    i += length;
    return true;
}

// m_pos is at '-' or a digit. Checks the grammar
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and keeps the literal.
Token JsonReader::readNumber()
{
    // Fast path: the whole literal is in the buffer and well-formed. Any
    // doubt (the buffer's end, a problem, a long literal) goes the slow way,
    // which says exactly what is wrong.
    const char *p = m_pos;
    bool integer = true;
    if (*p == '-')
        ++p;
    if (*p == '0')
        ++p;
    else if (isDigit(*p))
        do
            ++p;
        while (isDigit(*p));
    else
        return readNumberSlow();
    if (*p == '.') {
        integer = false;
        if (!isDigit(*++p))
            return readNumberSlow();
        do
            ++p;
        while (isDigit(*p));
    }
    if ((*p | 0x20) == 'e') {
        integer = false;
        ++p;
        if (*p == '+' || *p == '-')
            ++p;
        if (!isDigit(*p))
            return readNumberSlow();
        do
            ++p;
        while (isDigit(*p));
    }
    const std::size_t length = std::size_t(p - m_pos);
    if (p == m_end || isDigit(*p) || std::int64_t(length) > m_options.maxNumberBytes) [[unlikely]]
        return readNumberSlow();
    m_text = std::string_view(m_pos, length);
    m_isInteger = integer;
    m_pos = p;
    return afterScalar(Token::Number);
}

Token JsonReader::readNumberSlow()
{
    // The length limit is checked after every step, before any later part
    // of the literal is looked at: so whether a literal is "too long" or
    // "malformed further on" never depends on where a chunk ended.
    const std::int64_t start = m_tokenOffset;
    const std::int64_t maxBytes = m_options.maxNumberBytes;
    std::size_t i = 0;
    // The byte at k, or -1 at the end of the input.
    const auto at = [&](std::size_t k) -> int {
        while (m_pos + k >= m_end) {
            if (!refill())
                return -1;
        }
        return static_cast<unsigned char>(m_pos[k]);
    };
    const auto over = [&] { return std::int64_t(i) > maxBytes; };
    // Moves i past a run of digits; stops reading once past the limit.
    const auto digits = [&] {
        for (;;) {
            while (isDigit(m_pos[i]))
                ++i;
            if (m_pos + i < m_end || over() || !refill())
                return;
        }
    };
    const auto tooLong = [&] {
        return fail(ErrorCode::NumberTooLong, start, QStringLiteral("a number longer than %1 characters").arg(maxBytes));
    };
    const auto missingDigit = [&](int c, const char *expected) {
        if (c < 0)
            return failTruncated("a number", start);
        m_pos += i;
        return fail(ErrorCode::InvalidNumber, streamOffset(m_pos),
                    QStringLiteral("%1 (got %2)").arg(QLatin1String(expected), describeByte(static_cast<unsigned char>(c))));
    };

    if (*m_pos == '-')
        ++i;
    int c = at(i);
    // Moves on to the byte after a part of the number (past one more byte
    // first when `skip`); false if the number got too long.
    const auto nextByte = [&](bool skip) {
        if (skip)
            ++i;
        if (over())
            return false;
        c = at(i);
        return true;
    };
    if (c == '0') {
        if (!nextByte(true))
            return tooLong();
        if (isDigit(c)) {
            m_pos += i;
            return fail(ErrorCode::InvalidNumber, streamOffset(m_pos), QStringLiteral("a number must not have leading zeros"));
        }
    } else if (isDigit(c)) {
        digits();
        if (!nextByte(false))
            return tooLong();
    } else {
        return missingDigit(c, "expected a digit after '-'");
    }
    bool integer = true;
    if (c == '.') {
        integer = false;
        if (!nextByte(true))
            return tooLong();
        if (!isDigit(c))
            return missingDigit(c, "expected a digit after '.'");
        digits();
        if (!nextByte(false))
            return tooLong();
    }
    if (c == 'e' || c == 'E') {
        integer = false;
        if (!nextByte(true))
            return tooLong();
        if (c == '+' || c == '-') {
            if (!nextByte(true))
                return tooLong();
        }
        if (!isDigit(c))
            return missingDigit(c, "expected a digit in the exponent");
        digits();
        if (over())
            return tooLong();
    }
    m_text = std::string_view(m_pos, i);
    m_isInteger = integer;
    m_pos += i;
    return afterScalar(Token::Number);
}

Number JsonReader::number() const
{
    Number n;
    if (m_token != Token::Number)
        return n;
    n.isInteger = m_isInteger;
    std::uint64_t digits = 0;
    if (shortDecimal(m_text, n.value, digits)) {
        if (m_isInteger) {
            n.fitsInt64 = true;
            n.integer = m_text[0] == '-' ? -std::int64_t(digits) : std::int64_t(digits);
        }
        return n;
    }
    const char *b = m_text.data();
    const char *e = b + m_text.size();
    const auto r = std::from_chars(b, e, n.value);
    if (r.ec == std::errc::result_out_of_range) {
        const bool negative = *b == '-';
        n.overflow = literalOverflows(m_text);
        const double v = n.overflow ? std::numeric_limits<double>::infinity() : 0.0;
        n.value = negative ? -v : v;
    }
    if (m_isInteger) {
        std::int64_t v = 0;
        const auto ri = std::from_chars(b, e, v);
        if (ri.ec == std::errc() && ri.ptr == e) {
            n.fitsInt64 = true;
            n.integer = v;
        }
    }
    return n;
}

// ---------------------------------------------------------------- skipping

bool JsonReader::skipValue()
{
    if (m_state == State::Pending)
        return false;
    switch (next()) {
    case Token::BeginObject:
    case Token::BeginArray:
        return skipContainer();
    case Token::String:
    case Token::Number:
    case Token::Bool:
    case Token::Null:
        return true;
    case Token::Error:
        return false;
    default:
        pushBack(); // not a value: the caller gets it from next()
        return false;
    }
}

bool JsonReader::skipContainer()
{
    if (m_token != Token::BeginObject && m_token != Token::BeginArray)
        return false;
    const std::size_t outer = m_stack.size() - 1;
    while (m_stack.size() > outer) {
        if (next() == Token::Error || m_captureOverflow)
            return false;
    }
    return true;
}

bool JsonReader::readRawValue(QByteArray &out)
{
    out.clear();
    if (m_state == State::Pending || m_state == State::Failed)
        return false;
    if (m_state == State::Start) {
        skipByteOrderMark();
        m_state = State::Value;
    }
    if (m_state == State::Colon && !consumeColon())
        return false;
    skipWhitespace();
    if (m_state == State::AfterValue && *m_pos == ',') {
        // The ',' before the next element is not part of it.
        ++m_pos;
        m_state = m_stack.back().object ? State::Key : State::Value;
        skipWhitespace();
    }
    m_capture = &out;
    m_captureFrom = m_pos;
    m_captureStart = streamOffset(m_pos);
    m_captureOverflow = false;
    bool ok = skipValue();
    if (ok && !m_captureOverflow) {
        const std::int64_t n = m_pos - m_captureFrom;
        if (out.size() + n > m_options.maxRawBytes)
            m_captureOverflow = true;
        else
            out.append(m_captureFrom, qsizetype(n));
    }
    m_capture = nullptr;
    if (m_captureOverflow) {
        m_captureOverflow = false;
        fail(ErrorCode::RawValueTooLong, streamOffset(m_pos),
             QStringLiteral("the value started at byte %1 is longer than %2 bytes")
                 .arg(m_captureStart).arg(m_options.maxRawBytes));
        ok = false;
    }
    if (!ok)
        out.clear();
    return ok;
}

} // namespace il::json
