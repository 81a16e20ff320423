#pragma once

// A pull (StAX-style) JSON reader. It reads its source in chunks and keeps
// only the chunk and the token being read, never the document: memory stays
// a small constant whatever the file size (a chunk, plus at most about twice
// the longest string or number, both bounded by Options).
//
// Guarantees:
// - The grammar of RFC 8259, strictly: no trailing commas, no comments, no
//   leading zeros, no NaN/Infinity, no raw control characters in strings,
//   one value per document (whitespace around it is fine; a UTF-8 byte order
//   mark at byte 0 is skipped).
// - Strings are checked UTF-8 (no overlong forms, no encoded surrogates,
//   nothing past U+10FFFF); every escape is decoded, \uXXXX surrogate pairs
//   included; a lone surrogate is an error.
// - Every token knows the byte offset of its first byte. Any problem ends the
//   reading with one Error token and one message naming the byte offset, line
//   and column (columns count bytes, from 1) and the reason, e.g.
//   `at byte 1234 (line 3, column 17): expected ',' or ']' after an array element (got '}')`.
//   Input that stops early says what it stopped inside ("ends inside a string
//   started at byte 1230"), with ErrorCode::Truncated and the input's length
//   as offset.
// - No recursion: nesting is limited by Options::maxDepth, strings and
//   numbers by their byte limits, so hostile input can exhaust neither the
//   stack nor memory. Offsets are 64-bit: files past 4 GB are fine.
// - Numbers: the literal is kept; number() converts it with std::from_chars.
//   A literal beyond the range of double becomes +-infinity with
//   Number::overflow set (callers decide whether that is an error); one too
//   small for double rounds to +-0.

#include "core/json/jsonsource.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace il::json {

enum class Token : std::uint8_t {
    None, // before the first next()
    BeginObject,
    EndObject,
    BeginArray,
    EndArray,
    Key,
    String,
    Number,
    Bool,
    Null,
    EndOfInput,
    Error,
};

const char *tokenName(Token token);

enum class ErrorCode : std::uint8_t {
    None,
    UnexpectedCharacter, // the grammar wanted something else here
    Truncated,           // the input ended inside a value
    ControlCharacter,    // a raw byte < 0x20 inside a string
    InvalidEscape,       // \x, or \u without four hex digits
    InvalidUtf8,
    LoneSurrogate,       // \uD800 without its low half, or a low half alone
    InvalidNumber,       // leading zero, missing digits
    TooDeep,             // nesting beyond Options::maxDepth
    StringTooLong,       // beyond Options::maxStringBytes
    NumberTooLong,       // beyond Options::maxNumberBytes
    RawValueTooLong,     // readRawValue beyond Options::maxRawBytes
    TrailingContent,     // something after the one top-level value
    ReadFailed,          // the source reported an error
};

struct Error
{
    ErrorCode code = ErrorCode::None;
    std::int64_t offset = -1; // byte offset where the problem is
    std::int64_t line = 0;    // 1-based
    std::int64_t column = 0;  // 1-based, in bytes
    QString reason;           // "expected ':' after an object key (got '1')"

    // "at byte 12 (line 1, column 13): <reason>"
    QString message() const;
};

struct Number
{
    double value = 0;        // nearest double; +-inf when overflow
    bool isInteger = false;  // no fraction and no exponent in the literal
    bool overflow = false;   // the magnitude is beyond the largest double
    bool fitsInt64 = false;  // an integer literal within int64: `integer` is exact
    std::int64_t integer = 0;
};

// Limits and buffer size of a JsonReader.
struct ReaderOptions
{
    int maxDepth = 512;                       // arrays and objects nested
    std::int64_t maxStringBytes = 64ll << 20; // raw bytes between the quotes
    std::int64_t maxNumberBytes = 4096;       // characters of one number literal
    std::int64_t maxRawBytes = 64ll << 20;    // one value kept by readRawValue
    std::size_t chunkBytes = 256 * 1024;      // how much is read at a time
};

class JsonReader
{
public:
    using Options = ReaderOptions;

    // Reads from `source`, which must outlive the reader.
    explicit JsonReader(JsonSource &source, Options options = {});
    // Reads bytes in memory. The QByteArray is kept (implicitly shared, not
    // copied); viewed bytes are not: they must outlive the reader.
    explicit JsonReader(QByteArray bytes, Options options = {});
    explicit JsonReader(QByteArrayView bytes, Options options = {});
    ~JsonReader();
    JsonReader(const JsonReader &) = delete;
    JsonReader &operator=(const JsonReader &) = delete;

    // The next token. After EndOfInput or Error, returns the same again.
    Token next();
    Token token() const { return m_token; }
    // Byte offset of the current token's first byte (a Key's opening quote;
    // the input's length for EndOfInput; the problem's offset for Error).
    std::int64_t tokenOffset() const { return m_tokenOffset; }
    // Bytes consumed so far (for progress).
    std::int64_t offset() const { return streamOffset(m_pos); }
    // Containers open around the current position (BeginArray counts itself).
    int depth() const { return int(m_stack.size()); }

    // Key and String: the decoded UTF-8 text. Number: its literal. The view
    // stays valid until the next call that moves the reader.
    std::string_view text() const { return m_text; }
    QString toQString() const { return QString::fromUtf8(m_text.data(), qsizetype(m_text.size())); }
    std::string toStdString() const { return std::string(m_text); }

    // Number: the value (see the header comment for huge numbers).
    Number number() const;
    double toDouble() const { return number().value; }
    bool isInteger() const { return m_isInteger; }
    // Bool: its value.
    bool boolean() const { return m_bool; }

    // Skips the value that the next token starts (call it after a Key, or
    // where an array element or the document may start): a scalar, or a
    // whole object or array. Returns false without consuming anything when
    // the next token does not start a value (EndArray, EndObject, Key,
    // EndOfInput: next() then returns it), or false on an error.
    bool skipValue();
    // Call right after BeginObject or BeginArray: skips everything up to and
    // including the matching end token. False on an error.
    bool skipContainer();
    // Like skipValue, and `out` receives the value's bytes exactly as they
    // are in the input (inner whitespace included, none around it), so a
    // caller can keep fields it does not know and write them back verbatim.
    bool readRawValue(QByteArray &out);

    bool hasError() const { return m_error.code != ErrorCode::None; }
    const Error &error() const { return m_error; }
    QString errorString() const { return hasError() ? m_error.message() : QString(); }

    // The current read buffer's capacity in bytes (for memory tests).
    std::size_t bufferCapacity() const { return m_cap; }

private:
    enum class State : std::uint8_t {
        Value,          // a value must come (document start, after ':')
        Colon,          // after a Key: ':' then a value
        Key,            // after ',' in an object
        ElementOrEnd,   // after '['
        KeyOrEnd,       // after '{'
        AfterValue,     // inside a container, after a member
        // Rare states from here on (next() tests them with one compare).
        Start,          // nothing read yet
        Done,           // the top-level value is complete
        Pending,        // skipValue pushed m_token back; m_pendingState is the real state
        Failed,
    };
    struct Frame
    {
        std::int64_t start; // offset of '{' or '['
        bool object;
    };

    void init();
    std::int64_t streamOffset(const char *p) const { return m_bufOffset + (p - m_buf); }
    bool refill();
    bool ensure(std::size_t n); // at least n bytes from m_pos, false at the end
    void skipWhitespace();
    void skipWhitespaceInline()
    {
        if (static_cast<unsigned char>(*m_pos) <= ' ')
            skipWhitespace();
    }
    bool atEnd() const { return m_pos == m_end; }
    Token nextSpecial();
    void pushBack();

    Token readValue(const char *expected);
    Token readString(Token kind);
    Token readStringSlow(Token kind, std::size_t plainEnd);
    Token stringRead(Token kind, std::size_t closingQuote);
    Token readNumber();
    Token readNumberSlow();
    Token readLiteral(const char *word, std::size_t length, Token kind, bool value);
    bool consumeColon();
    void skipByteOrderMark();
    Token openContainer(bool object);
    Token closeContainer();
    Token afterScalar(Token kind);
    bool decodeEscape(std::size_t &i, std::int64_t stringStart);
    bool checkUtf8(std::size_t &i, std::int64_t stringStart);

    Token fail(ErrorCode code, std::int64_t offset, QString reason);
    Token failUnexpected(const char *expected);
    Token failEnd();
    Token failTruncated(const char *what, std::int64_t start);

    JsonSource *m_source = nullptr;
    std::unique_ptr<JsonSource> m_ownedSource;
    QByteArray m_ownedBytes;
    Options m_options;

    char *m_buf = nullptr;     // m_cap bytes + padding; *m_end is always 0
    std::size_t m_cap = 0;
    const char *m_pos = nullptr; // next unread byte
    const char *m_end = nullptr; // end of the bytes read so far
    std::int64_t m_bufOffset = 0; // stream offset of m_buf[0]
    bool m_eof = false;
    QString m_readError;

    std::int64_t m_line = 1;
    std::int64_t m_lineStart = 0; // stream offset of the current line's first byte

    State m_state = State::Start;
    State m_pendingState = State::Value;
    std::vector<Frame> m_stack;
    Token m_token = Token::None;
    std::int64_t m_tokenOffset = 0;
    std::string_view m_text;
    std::string m_scratch; // strings with escapes are decoded here
    bool m_isInteger = false;
    bool m_bool = false;

    QByteArray *m_capture = nullptr; // readRawValue in progress
    const char *m_captureFrom = nullptr;
    std::int64_t m_captureStart = 0;
    bool m_captureOverflow = false;

    Error m_error;
};

} // namespace il::json
