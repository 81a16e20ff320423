// The streaming JSON reader: every token, strings and numbers, every error
// with its exact offset, and the promise that how the input is cut into
// chunks never changes what is read.
#include "core/json/jsonreader.h"

#include <QBuffer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>

#include <fcntl.h>
#include <unistd.h>

using namespace il::json;

namespace {

QString quoted(std::string_view s)
{
    QString out;
    for (unsigned char c : s) {
        if (c >= 0x20 && c < 0x7F && c != '\\')
            out += QChar(c);
        else
            out += QStringLiteral("\\x%1").arg(uint(c), 2, 16, QLatin1Char('0'));
    }
    return out;
}

// One token as text: "{", "k:name", "s:text", "n:1.5", "true", "null", "$"
// (end of input), "!message" (error); "@offset" appended when asked.
QString describe(JsonReader &r, Token t, bool offsets)
{
    QString s;
    switch (t) {
    case Token::BeginObject: s = QStringLiteral("{"); break;
    case Token::EndObject: s = QStringLiteral("}"); break;
    case Token::BeginArray: s = QStringLiteral("["); break;
    case Token::EndArray: s = QStringLiteral("]"); break;
    case Token::Key: s = QStringLiteral("k:") + quoted(r.text()); break;
    case Token::String: s = QStringLiteral("s:") + quoted(r.text()); break;
    case Token::Number: s = QStringLiteral("n:") + quoted(r.text()); break;
    case Token::Bool: s = r.boolean() ? QStringLiteral("true") : QStringLiteral("false"); break;
    case Token::Null: s = QStringLiteral("null"); break;
    case Token::EndOfInput: s = QStringLiteral("$"); break;
    case Token::Error: return QStringLiteral("!") + r.errorString();
    case Token::None: s = QStringLiteral("?"); break;
    }
    if (offsets)
        s += QLatin1Char('@') + QString::number(r.tokenOffset());
    return s;
}

// Every token until the end or an error, space separated.
QString dump(JsonReader &r, bool offsets = false)
{
    QStringList out;
    for (int guard = 0; guard < 1'000'000; ++guard) {
        const Token t = r.next();
        out << describe(r, t, offsets);
        if (t == Token::EndOfInput || t == Token::Error)
            return out.join(QLatin1Char(' '));
    }
    return QStringLiteral("runaway");
}

QString dumpBytes(const QByteArray &doc, std::vector<std::size_t> pieces = {}, JsonReader::Options options = {},
                  bool offsets = true)
{
    MemorySource source(doc, std::move(pieces));
    JsonReader r(source, options);
    return dump(r, offsets);
}

// A source that makes its bytes as they are asked for: long inputs without
// holding them. `part(i)` returns the i-th piece, empty at the end.
class GeneratedSource : public JsonSource
{
public:
    // `piece` > 0: hand out at most that many bytes a time, so reads end
    // anywhere, also inside tokens.
    explicit GeneratedSource(std::function<QByteArray(std::int64_t)> part, std::int64_t piece = 0)
        : m_part(std::move(part)), m_piece(piece)
    {
    }
    std::int64_t read(char *dst, std::int64_t max) override
    {
        if (m_at == m_current.size()) {
            m_current = m_part(m_index++);
            m_at = 0;
            if (m_current.isEmpty())
                return 0;
        }
        std::int64_t n = std::min<std::int64_t>(max, m_current.size() - m_at);
        if (m_piece > 0)
            n = std::min(n, m_piece);
        std::memcpy(dst, m_current.constData() + m_at, std::size_t(n));
        m_at += n;
        return n;
    }

private:
    std::function<QByteArray(std::int64_t)> m_part;
    std::int64_t m_piece = 0;
    QByteArray m_current;
    std::int64_t m_at = 0;
    std::int64_t m_index = 0;
};

// Hands out `good`, then fails.
class FailingSource : public JsonSource
{
public:
    explicit FailingSource(QByteArray good) : m_good(std::move(good)) {}
    std::int64_t read(char *dst, std::int64_t max) override
    {
        if (m_done)
            return -1;
        m_done = true;
        const std::int64_t n = std::min<std::int64_t>(max, m_good.size());
        std::memcpy(dst, m_good.constData(), std::size_t(n));
        return n;
    }
    QString errorString() const override { return QStringLiteral("Input/output error"); }

private:
    QByteArray m_good;
    bool m_done = false;
};

// Documents that touch every path: escapes, surrogate pairs, raw UTF-8,
// numbers of every shape, literals, nesting, whitespace of every kind.
const QByteArray richDocument =
    "{\"name\": \"caf\xC3\xA9 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9\\u20AC \\ud83d\\ude00 \xF0\x9F\x98\x80\",\r\n"
    " \"n\": [0, -0, 12, -3.25, 1e3, 2E-2, 6.02e+23, 9223372036854775807, 1e400],\n"
    "\t\"flags\": [true, false, null, {}, [], [[]], {\"a\": {\"b\": [\"\"]}}],\n"
    " \"long\": \"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789\"\n"
    "}";

} // namespace

class TestJsonReader : public QObject
{
    Q_OBJECT
private slots:
    void tokens_data();
    void tokens();
    void offsets();
    void strings_data();
    void strings();
    void numbers_data();
    void numbers();
    void shortNumbersAsFromChars();
    void errors_data();
    void errors();
    void chunkBoundariesDoNotMatter_data();
    void chunkBoundariesDoNotMatter();
    void limitsDoNotDependOnChunks_data();
    void limitsDoNotDependOnChunks();
    void everyTruncationIsAnError();
    void skipValue();
    void skipContainer();
    void rawValues_data();
    void rawValues();
    void rawValueLimit();
    void depthLimit_data();
    void depthLimit();
    void deepInputNeedsNoStack();
    void stringAndNumberLimits_data();
    void stringAndNumberLimits();
    void memoryStaysBounded();
    void readsDevicesAndDescriptors();
    void readErrorsAreReported();
    void staysAtEndOrError();
    void conversions();
};

void TestJsonReader::tokens_data()
{
    QTest::addColumn<QByteArray>("doc");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty object") << QByteArray("{}") << "{ } $";
    QTest::newRow("empty array") << QByteArray("[]") << "[ ] $";
    QTest::newRow("every kind") << QByteArray(R"({"a":[1,true,false,null,"x"],"b":{}})")
                                << "{ k:a [ n:1 true false null s:x ] k:b { } } $";
    QTest::newRow("top-level string") << QByteArray(R"("s")") << "s:s $";
    QTest::newRow("top-level number") << QByteArray("12") << "n:12 $";
    QTest::newRow("top-level negative") << QByteArray("-7.5e-1") << "n:-7.5e-1 $";
    QTest::newRow("top-level true") << QByteArray("true") << "true $";
    QTest::newRow("top-level null") << QByteArray("null") << "null $";
    QTest::newRow("whitespace everywhere") << QByteArray(" \t\r\n{ \"a\" :\n[ 1 , 2 ] } \n") << "{ k:a [ n:1 n:2 ] } $";
    QTest::newRow("byte order mark") << QByteArray("\xEF\xBB\xBF[1]") << "[ n:1 ] $";
    QTest::newRow("escaped key") << QByteArray(R"({"a\"b":0})") << "{ k:a\"b n:0 } $";
    QTest::newRow("empty key and string") << QByteArray(R"({"":""})") << "{ k: s: } $";
    QTest::newRow("duplicate keys are tokens") << QByteArray(R"({"a":1,"a":2})") << "{ k:a n:1 k:a n:2 } $";
    QTest::newRow("nested") << QByteArray("[[[{}]],[{\"x\":[]}]]") << "[ [ [ { } ] ] [ { k:x [ ] } ] ] $";
}

void TestJsonReader::tokens()
{
    QFETCH(QByteArray, doc);
    QFETCH(QString, expected);
    JsonReader r(doc);
    QCOMPARE(dump(r), expected);
}

void TestJsonReader::offsets()
{
    JsonReader r(QByteArrayView("{\"a\": [1, \"x\"],\n \"bc\" : true}"));
    QCOMPARE(dump(r, true), QStringLiteral("{@0 k:a@1 [@6 n:1@7 s:x@10 ]@13 k:bc@17 true@24 }@28 $@29"));

    // Offsets are bytes, not characters: 'é' takes two.
    JsonReader u(QByteArrayView("[\"\xC3\xA9\",1]"));
    QCOMPARE(dump(u, true), QStringLiteral("[@0 s:\\xc3\\xa9@1 n:1@6 ]@7 $@8"));

    // offset() counts what was consumed, for progress.
    JsonReader p(QByteArrayView("[10, 20]"));
    QCOMPARE(p.offset(), 0);
    p.next();
    QCOMPARE(p.offset(), 1);
    p.next();
    QCOMPARE(p.offset(), 3);
    QCOMPARE(p.depth(), 1);
}

void TestJsonReader::strings_data()
{
    QTest::addColumn<QByteArray>("literal");
    QTest::addColumn<QByteArray>("decoded");
    QTest::newRow("plain") << QByteArray(R"("plain text")") << QByteArray("plain text");
    QTest::newRow("empty") << QByteArray(R"("")") << QByteArray();
    QTest::newRow("short escapes") << QByteArray(R"("\"\\\/\b\f\n\r\t")") << QByteArray("\"\\/\b\f\n\r\t");
    QTest::newRow("escapes between text") << QByteArray(R"("ab\ncd\te")") << QByteArray("ab\ncd\te");
    QTest::newRow("\\u ascii") << QByteArray(R"("\u0041\u007a")") << QByteArray("Az");
    QTest::newRow("\\u two bytes") << QByteArray(R"("\u00e9\u00C9")") << QByteArray("\xC3\xA9\xC3\x89");
    QTest::newRow("\\u three bytes") << QByteArray(R"("\u20AC\uFFFF")") << QByteArray("\xE2\x82\xAC\xEF\xBF\xBF");
    QTest::newRow("surrogate pair") << QByteArray(R"("\ud83d\ude00")") << QByteArray("\xF0\x9F\x98\x80");
    QTest::newRow("highest code point") << QByteArray(R"("\uDBFF\uDFFF")") << QByteArray("\xF4\x8F\xBF\xBF");
    QTest::newRow("lowest pair") << QByteArray(R"("\uD800\uDC00")") << QByteArray("\xF0\x90\x80\x80");
    QTest::newRow("NUL escape") << QByteArray(R"("a\u0000b")") << QByteArray("a\0b", 3);
    QTest::newRow("raw UTF-8") << QByteArray("\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\"")
                               << QByteArray("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF");
    QTest::newRow("raw UTF-8 and escapes") << QByteArray("\"\xC3\xA9\\n\xE2\x82\xAC\"")
                                           << QByteArray("\xC3\xA9\n\xE2\x82\xAC");
    QTest::newRow("DEL is not a control character") << QByteArray("\"\x7F\"") << QByteArray("\x7F");
}

void TestJsonReader::strings()
{
    QFETCH(QByteArray, literal);
    QFETCH(QByteArray, decoded);
    for (const std::vector<std::size_t> &pieces : {std::vector<std::size_t>{}, std::vector<std::size_t>{1}}) {
        MemorySource source(literal, pieces);
        JsonReader r(source);
        QCOMPARE(r.next(), Token::String);
        QCOMPARE(QByteArray(r.text().data(), qsizetype(r.text().size())), decoded);
        QCOMPARE(r.toQString(), QString::fromUtf8(decoded));
        QCOMPARE(r.toStdString(), decoded.toStdString());
        QCOMPARE(r.next(), Token::EndOfInput);
    }
}

void TestJsonReader::numbers_data()
{
    QTest::addColumn<QByteArray>("literal");
    QTest::addColumn<double>("value");
    QTest::addColumn<bool>("isInteger");
    QTest::addColumn<bool>("overflow");
    QTest::addColumn<bool>("fitsInt64");
    QTest::addColumn<qint64>("integer");
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("zero") << QByteArray("0") << 0.0 << true << false << true << qint64(0);
    QTest::newRow("minus zero") << QByteArray("-0") << -0.0 << true << false << true << qint64(0);
    QTest::newRow("int") << QByteArray("123") << 123.0 << true << false << true << qint64(123);
    QTest::newRow("negative int") << QByteArray("-123") << -123.0 << true << false << true << qint64(-123);
    QTest::newRow("fraction") << QByteArray("1.5") << 1.5 << false << false << false << qint64(0);
    QTest::newRow("zero fraction") << QByteArray("0.0") << 0.0 << false << false << false << qint64(0);
    QTest::newRow("exponent") << QByteArray("1e3") << 1000.0 << false << false << false << qint64(0);
    QTest::newRow("exponent E+") << QByteArray("1E+3") << 1000.0 << false << false << false << qint64(0);
    QTest::newRow("negative exponent") << QByteArray("-1.25e-2") << -0.0125 << false << false << false << qint64(0);
    QTest::newRow("int64 max") << QByteArray("9223372036854775807") << 9223372036854775807.0 << true << false
                               << true << std::numeric_limits<qint64>::max();
    QTest::newRow("int64 min") << QByteArray("-9223372036854775808") << -9223372036854775808.0 << true << false
                               << true << std::numeric_limits<qint64>::min();
    QTest::newRow("past int64") << QByteArray("9223372036854775808") << 9223372036854775808.0 << true << false
                                << false << qint64(0);
    QTest::newRow("largest double") << QByteArray("1.7976931348623157e308") << 1.7976931348623157e308 << false
                                    << false << false << qint64(0);
    QTest::newRow("1e309 overflows") << QByteArray("1e309") << inf << false << true << false << qint64(0);
    QTest::newRow("-1e309 overflows") << QByteArray("-1e309") << -inf << false << true << false << qint64(0);
    QTest::newRow("400 digits overflow") << QByteArray("1" + QByteArray(400, '0')) << inf << true << true << false
                                         << qint64(0);
    QTest::newRow("huge exponent") << QByteArray("0.001e99999999999999999999") << inf << false << true << false
                                   << qint64(0);
    QTest::newRow("1e-400 underflows to 0") << QByteArray("1e-400") << 0.0 << false << false << false << qint64(0);
    QTest::newRow("-1e-400 underflows to -0") << QByteArray("-1e-400") << -0.0 << false << false << false
                                              << qint64(0);
    QTest::newRow("tiny with big mantissa") << QByteArray("12345e-400") << 0.0 << false << false << false
                                            << qint64(0);
    QTest::newRow("big fraction digits") << QByteArray("0." + QByteArray(330, '0') + "1e330") << 0.1 << false
                                         << false << false << qint64(0);
}

void TestJsonReader::numbers()
{
    QFETCH(QByteArray, literal);
    QFETCH(double, value);
    QFETCH(bool, isInteger);
    QFETCH(bool, overflow);
    QFETCH(bool, fitsInt64);
    QFETCH(qint64, integer);
    JsonReader r(QByteArray("[" + literal + "]"));
    QCOMPARE(r.next(), Token::BeginArray);
    QCOMPARE(r.next(), Token::Number);
    QCOMPARE(QByteArray(r.text().data(), qsizetype(r.text().size())), literal);
    const Number n = r.number();
    QCOMPARE(n.value, value);
    QCOMPARE(std::signbit(n.value), std::signbit(value));
    QCOMPARE(n.isInteger, isInteger);
    QCOMPARE(r.isInteger(), isInteger);
    QCOMPARE(n.overflow, overflow);
    QCOMPARE(n.fitsInt64, fitsInt64);
    QCOMPARE(n.integer, integer);
    QCOMPARE(r.next(), Token::EndArray);
    QCOMPARE(r.next(), Token::EndOfInput);
}

// Short decimals take a quicker way than std::from_chars (the digits as an
// integer, one division by a power of ten): it must give the very same
// doubles, bit for bit, and the same integers, for every length and every
// place of the point, signs and leading zeros included.
void TestJsonReader::shortNumbersAsFromChars()
{
    std::mt19937_64 rng(20261204);
    QByteArray doc = "[";
    std::vector<std::string> literals;
    for (int i = 0; i < 200'000; ++i) {
        // Up to 8 digits before the point and 9 after: past 15 in all too,
        // which goes the general way.
        const int whole = int(rng() % 9), fraction = int(rng() % 10);
        std::string s = rng() % 2 ? "-" : "";
        if (whole == 0)
            s += '0';
        for (int k = 0; k < whole; ++k)
            s += char(k == 0 ? '1' + rng() % 9 : '0' + rng() % 10);
        if (fraction > 0)
            s += '.';
        for (int k = 0; k < fraction; ++k)
            s += char('0' + rng() % 10);
        literals.push_back(s);
        doc += QByteArray(i ? "," : "") + QByteArray::fromStdString(s);
    }
    doc += "]";
    JsonReader r(doc);
    QCOMPARE(r.next(), Token::BeginArray);
    for (const std::string &s : literals) {
        QCOMPARE(r.next(), Token::Number);
        QCOMPARE(r.toStdString(), s);
        const Number n = r.number();
        double expected = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), expected);
        QVERIFY(ec == std::errc() && end == s.data() + s.size());
        std::uint64_t a, b;
        std::memcpy(&a, &n.value, 8);
        std::memcpy(&b, &expected, 8);
        if (a != b)
            QFAIL(qPrintable(QStringLiteral("%1: %2, expected %3").arg(QString::fromStdString(s))
                                 .arg(n.value, 0, 'g', 17).arg(expected, 0, 'g', 17)));
        const bool integer = s.find('.') == std::string::npos;
        QCOMPARE(n.isInteger, integer);
        std::int64_t whole = 0;
        const bool fits = integer && std::from_chars(s.data(), s.data() + s.size(), whole).ec == std::errc();
        QCOMPARE(n.fitsInt64, fits);
        QCOMPARE(n.integer, fits ? whole : 0);
    }
    QCOMPARE(r.next(), Token::EndArray);
}

void TestJsonReader::errors_data()
{
    QTest::addColumn<QByteArray>("doc");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    const auto row = [](const char *name, const QByteArray &doc, ErrorCode code, const char *message) {
        QTest::newRow(name) << doc << int(code) << QString::fromUtf8(message);
    };
    using E = ErrorCode;
    // Structure
    row("empty input", "", E::Truncated, "at byte 0 (line 1, column 1): no JSON value: the input is empty");
    row("only whitespace", " \n ", E::Truncated,
        "at byte 3 (line 2, column 2): no JSON value: the input holds only whitespace");
    row("trailing comma in array", "[1,]", E::UnexpectedCharacter,
        "at byte 3 (line 1, column 4): expected a value after ',' (got ']')");
    row("trailing comma in object", R"({"a":1,})", E::UnexpectedCharacter,
        "at byte 7 (line 1, column 8): expected a key string after ',' (got '}')");
    row("missing colon", R"({"a" 1})", E::UnexpectedCharacter,
        "at byte 5 (line 1, column 6): expected ':' after an object key (got '1')");
    row("missing value", R"({"a":})", E::UnexpectedCharacter,
        "at byte 5 (line 1, column 6): expected a value after ':' (got '}')");
    row("number as key", "{1:2}", E::UnexpectedCharacter,
        "at byte 1 (line 1, column 2): expected a key string or '}' (got '1')");
    row("single-quoted key", "{'a':2}", E::UnexpectedCharacter,
        "at byte 1 (line 1, column 2): expected a key string or '}' (got ''')");
    row("missing comma in array", "[1 2]", E::UnexpectedCharacter,
        "at byte 3 (line 1, column 4): expected ',' or ']' after an array element (got '2')");
    row("missing comma in object", R"({"a":1 "b":2})", E::UnexpectedCharacter,
        "at byte 7 (line 1, column 8): expected ',' or '}' after an object member (got '\"')");
    row("close without open", "]", E::UnexpectedCharacter,
        "at byte 0 (line 1, column 1): expected a JSON value (got ']')");
    row("mismatched close", "[}", E::UnexpectedCharacter,
        "at byte 1 (line 1, column 2): expected a value or ']' (got '}')");
    row("mismatched close object", R"({"a":1])", E::UnexpectedCharacter,
        "at byte 6 (line 1, column 7): expected ',' or '}' after an object member (got ']')");
    row("comment", "[1 // no\n]", E::UnexpectedCharacter,
        "at byte 3 (line 1, column 4): expected ',' or ']' after an array element (got '/')");
    row("two values", "1 2", E::TrailingContent,
        "at byte 2 (line 1, column 3): unexpected content after the JSON value (got '2')");
    row("extra close", "[1]]", E::TrailingContent,
        "at byte 3 (line 1, column 4): unexpected content after the JSON value (got ']')");
    row("NUL between tokens", QByteArray("[1,\0]", 5), E::UnexpectedCharacter,
        "at byte 3 (line 1, column 4): expected a value after ',' (got byte 0x00)");
    row("control byte between tokens", "[\x01]", E::UnexpectedCharacter,
        "at byte 1 (line 1, column 2): expected a value or ']' (got byte 0x01)");
    row("where, on line 3", "{\n  \"a\": 1,\n  \"b\" 2\n}", E::UnexpectedCharacter,
        "at byte 18 (line 3, column 7): expected ':' after an object key (got '2')");
    // Numbers
    row("leading zero", "01", E::InvalidNumber, "at byte 1 (line 1, column 2): a number must not have leading zeros");
    row("negative leading zero", "[-01]", E::InvalidNumber,
        "at byte 3 (line 1, column 4): a number must not have leading zeros");
    row("lone minus", "[-]", E::InvalidNumber, "at byte 2 (line 1, column 3): expected a digit after '-' (got ']')");
    row("minus letter", "-a", E::InvalidNumber, "at byte 1 (line 1, column 2): expected a digit after '-' (got 'a')");
    row("dot without digits", "[1.]", E::InvalidNumber,
        "at byte 3 (line 1, column 4): expected a digit after '.' (got ']')");
    row("dot exponent", "1.e3", E::InvalidNumber, "at byte 2 (line 1, column 3): expected a digit after '.' (got 'e')");
    row("leading dot", ".5", E::UnexpectedCharacter, "at byte 0 (line 1, column 1): expected a JSON value (got '.')");
    row("plus sign", "+1", E::UnexpectedCharacter, "at byte 0 (line 1, column 1): expected a JSON value (got '+')");
    row("empty exponent", "[1e]", E::InvalidNumber,
        "at byte 3 (line 1, column 4): expected a digit in the exponent (got ']')");
    row("signed empty exponent", "[1e+]", E::InvalidNumber,
        "at byte 4 (line 1, column 5): expected a digit in the exponent (got ']')");
    row("NaN", "NaN", E::UnexpectedCharacter, "at byte 0 (line 1, column 1): expected a JSON value (got 'N')");
    row("Infinity", "[Infinity]", E::UnexpectedCharacter,
        "at byte 1 (line 1, column 2): expected a value or ']' (got 'I')");
    row("-Infinity", "-Infinity", E::InvalidNumber,
        "at byte 1 (line 1, column 2): expected a digit after '-' (got 'I')");
    row("hex", "0x10", E::TrailingContent,
        "at byte 1 (line 1, column 2): unexpected content after the JSON value (got 'x')");
    row("number then letter", "[1x]", E::UnexpectedCharacter,
        "at byte 2 (line 1, column 3): expected ',' or ']' after an array element (got 'x')");
    // Literals
    row("truncated true", "tru", E::Truncated, "at byte 3 (line 1, column 4): ends inside the literal true started at byte 0");
    row("wrong true", "[trux]", E::UnexpectedCharacter, "at byte 4 (line 1, column 5): expected 'true' (got 'x')");
    row("capital True", "True", E::UnexpectedCharacter, "at byte 0 (line 1, column 1): expected a JSON value (got 'T')");
    row("nul", "[nul]", E::UnexpectedCharacter, "at byte 4 (line 1, column 5): expected 'null' (got ']')");
    row("fals", "fals", E::Truncated, "at byte 4 (line 1, column 5): ends inside the literal false started at byte 0");
    row("true then letters", "truex", E::TrailingContent,
        "at byte 4 (line 1, column 5): unexpected content after the JSON value (got 'x')");
    // Strings
    row("unterminated string", "[\"abc", E::Truncated, "at byte 5 (line 1, column 6): ends inside a string started at byte 1");
    row("unterminated key", "{\"ab", E::Truncated, "at byte 4 (line 1, column 5): ends inside an object key started at byte 1");
    row("control character", "\"a\x01\"", E::ControlCharacter,
        "at byte 2 (line 1, column 3): raw control character byte 0x01 in a string (write it as \\u0001)");
    row("raw tab", "\"a\tb\"", E::ControlCharacter,
        "at byte 2 (line 1, column 3): raw control character byte 0x09 in a string (write it as \\u0009)");
    row("raw newline", "[\"a\nb\"]", E::ControlCharacter,
        "at byte 3 (line 1, column 4): raw control character byte 0x0A in a string (write it as \\u000A)");
    row("raw NUL in key", QByteArray("{\"a\0\":1}", 8), E::ControlCharacter,
        "at byte 3 (line 1, column 4): raw control character byte 0x00 in an object key (write it as \\u0000)");
    row("invalid escape", R"("a\x")", E::InvalidEscape,
        "at byte 2 (line 1, column 3): invalid escape: a backslash followed by 'x' (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
    row("escaped newline", "\"\\\n\"", E::InvalidEscape,
        "at byte 1 (line 1, column 2): invalid escape: a backslash followed by byte 0x0A (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
    row("bad hex", R"(["\u12G4"])", E::InvalidEscape, "at byte 2 (line 1, column 3): \\u must be followed by four hex digits");
    row("short \\u", R"("\u12")", E::InvalidEscape, "at byte 1 (line 1, column 2): \\u must be followed by four hex digits");
    row("truncated \\u", R"("\u12)", E::Truncated, "at byte 5 (line 1, column 6): ends inside a string started at byte 0");
    row("truncated after backslash", R"("ab\)", E::Truncated, "at byte 4 (line 1, column 5): ends inside a string started at byte 0");
    row("lone high surrogate", R"("\ud800")", E::LoneSurrogate,
        "at byte 1 (line 1, column 2): lone high surrogate \\uD800 (not followed by a \\uDC00-\\uDFFF escape)");
    row("high surrogate then text", R"("\ud800x")", E::LoneSurrogate,
        "at byte 1 (line 1, column 2): lone high surrogate \\uD800 (not followed by a \\uDC00-\\uDFFF escape)");
    row("high surrogate then \\n", R"("\ud800\n")", E::LoneSurrogate,
        "at byte 1 (line 1, column 2): lone high surrogate \\uD800 (not followed by a \\uDC00-\\uDFFF escape)");
    row("high surrogate then BMP", R"("ab\uDBFF\u0041")", E::LoneSurrogate,
        "at byte 3 (line 1, column 4): lone high surrogate \\uDBFF (not followed by a \\uDC00-\\uDFFF escape)");
    row("two high surrogates", R"("\ud800\ud800")", E::LoneSurrogate,
        "at byte 1 (line 1, column 2): lone high surrogate \\uD800 (not followed by a \\uDC00-\\uDFFF escape)");
    row("high surrogate, bad hex after", R"("\ud800\uZZZZ")", E::InvalidEscape,
        "at byte 7 (line 1, column 8): \\u must be followed by four hex digits");
    row("lone low surrogate", R"(["\udc00"])", E::LoneSurrogate,
        "at byte 2 (line 1, column 3): lone low surrogate \\uDC00 (no high surrogate before it)");
    row("overlong 2 bytes", "\"\xC0\x80\"", E::InvalidUtf8, "at byte 1 (line 1, column 2): invalid UTF-8 in a string (byte 0xC0)");
    row("overlong 3 bytes", "\"\xE0\x80\x80\"", E::InvalidUtf8, "at byte 1 (line 1, column 2): invalid UTF-8 in a string (byte 0xE0)");
    row("overlong 4 bytes", "\"\xF0\x80\x80\x80\"", E::InvalidUtf8, "at byte 1 (line 1, column 2): invalid UTF-8 in a string (byte 0xF0)");
    row("encoded surrogate", "\"a\xED\xA0\x80\"", E::InvalidUtf8, "at byte 2 (line 1, column 3): invalid UTF-8 in a string (byte 0xED)");
    row("beyond U+10FFFF", "\"\xF4\x90\x80\x80\"", E::InvalidUtf8, "at byte 1 (line 1, column 2): invalid UTF-8 in a string (byte 0xF4)");
    row("F5 lead", "\"\xF5\x80\x80\x80\"", E::InvalidUtf8, "at byte 1 (line 1, column 2): invalid UTF-8 in a string (byte 0xF5)");
    row("lone continuation", "[\"\x80\"]", E::InvalidUtf8, "at byte 2 (line 1, column 3): invalid UTF-8 in a string (byte 0x80)");
    row("short sequence", "\"\xE2\x82\"", E::InvalidUtf8, "at byte 1 (line 1, column 2): invalid UTF-8 in a string (byte 0xE2)");
    row("truncated sequence", "\"\xE2\x82", E::Truncated, "at byte 3 (line 1, column 4): ends inside a string started at byte 0");
    row("UTF-8 outside strings", "[\xC3\xA9]", E::UnexpectedCharacter,
        "at byte 1 (line 1, column 2): expected a value or ']' (got byte 0xC3)");
    row("BOM not at the start", " \xEF\xBB\xBF[]", E::UnexpectedCharacter,
        "at byte 1 (line 1, column 2): expected a JSON value (got byte 0xEF)");
    // Truncated containers
    row("open array", "[", E::Truncated, "at byte 1 (line 1, column 2): ends inside an array started at byte 0 (expected a value or ']')");
    row("open object", "{", E::Truncated, "at byte 1 (line 1, column 2): ends inside an object started at byte 0 (expected a key or '}')");
    row("array after element", "[1,2", E::Truncated,
        "at byte 4 (line 1, column 5): ends inside an array started at byte 0 (expected ',' or ']')");
    row("array after comma", "[[1,", E::Truncated,
        "at byte 4 (line 1, column 5): ends inside an array started at byte 1 (expected a value after ',')");
    row("object after key", R"({"a")", E::Truncated,
        "at byte 4 (line 1, column 5): ends inside an object started at byte 0 (expected ':' after a key)");
    row("object after colon", R"({"a":)", E::Truncated,
        "at byte 5 (line 1, column 6): ends inside an object started at byte 0 (expected a value after ':')");
    row("object after member", "{\"a\":1\n", E::Truncated,
        "at byte 7 (line 2, column 1): ends inside an object started at byte 0 (expected ',' or '}')");
    row("object after comma", R"({"a":1,)", E::Truncated,
        "at byte 7 (line 1, column 8): ends inside an object started at byte 0 (expected a key after ',')");
    row("truncated number", "[-", E::Truncated, "at byte 2 (line 1, column 3): ends inside a number started at byte 1");
    row("truncated exponent", "1e", E::Truncated, "at byte 2 (line 1, column 3): ends inside a number started at byte 0");
}

void TestJsonReader::errors()
{
    QFETCH(QByteArray, doc);
    QFETCH(int, code);
    QFETCH(QString, message);
    JsonReader r(doc);
    const QString tokens = dump(r);
    QVERIFY2(tokens.endsWith(QStringLiteral("!") + message), qPrintable(tokens));
    QCOMPARE(int(r.error().code), code);
    QCOMPARE(r.token(), Token::Error);
    QCOMPARE(r.tokenOffset(), r.error().offset);
    QVERIFY(r.hasError());
}

void TestJsonReader::chunkBoundariesDoNotMatter_data()
{
    QTest::addColumn<QByteArray>("doc");
    QTest::newRow("rich") << richDocument;
    QTest::newRow("byte order mark") << QByteArray("\xEF\xBB\xBF {\"a\":[1,2]}");
    QTest::newRow("error late") << QByteArray(richDocument).replace("6.02e+23", "6.02e+");
    QTest::newRow("lone surrogate late") << QByteArray(R"(["abcdef", "\ud83d\u0041"])");
    QTest::newRow("bad UTF-8 late") << QByteArray("[\"abcdef\", \"\xF0\x9F\x98\"]");
    QTest::newRow("truncated") << richDocument.left(richDocument.size() - 30);
    QTest::newRow("trailing content") << QByteArray("{\"a\":1} {");
    QTest::newRow("literals") << QByteArray("[true,false,null,true]");
    QTest::newRow("long escaped string") << QByteArray("\"" + QByteArray("\\u00e9ab\\n").repeated(40) + "\"");
}

void TestJsonReader::chunkBoundariesDoNotMatter()
{
    QFETCH(QByteArray, doc);
    const QString whole = dumpBytes(doc);
    QVERIFY(!whole.isEmpty());
    // Split once at every position, and cut into pieces of 1, 2, 3 and 7.
    for (std::size_t k = 1; k < std::size_t(doc.size()); ++k)
        QCOMPARE(dumpBytes(doc, {k, 0}), whole);
    for (std::size_t piece : {1, 2, 3, 7})
        QCOMPARE(dumpBytes(doc, {piece}), whole);
    // A buffer smaller than the tokens makes it grow mid-token.
    JsonReader::Options tiny;
    tiny.chunkBytes = 64;
    QCOMPARE(dumpBytes(doc, {}, tiny), whole);
    QCOMPARE(dumpBytes(doc, {5}, tiny), whole);
}

void TestJsonReader::limitsDoNotDependOnChunks_data()
{
    QTest::addColumn<QByteArray>("doc");
    QTest::addColumn<QString>("error");
    // Past the limit, a problem further on must not show through in one
    // cutting and not in another (found by the fuzz target).
    QTest::newRow("long number, bad exponent") << "[1" + QByteArray(70, '8') + "Ev8]"
                                               << "at byte 1 (line 1, column 2): a number longer than 20 characters";
    QTest::newRow("long number, bad fraction") << "[1" + QByteArray(30, '8') + ".x]"
                                               << "at byte 1 (line 1, column 2): a number longer than 20 characters";
    QTest::newRow("number at the limit, bad exponent") << "[1" + QByteArray(18, '8') + "e]"
                                                       << "at byte 21 (line 1, column 22): expected a digit in the exponent (got ']')";
    QTest::newRow("long string, bad escape") << "[\"" + QByteArray(40, 's') + "\\x\"]"
                                             << "at byte 1 (line 1, column 2): a string longer than 20 bytes";
    QTest::newRow("long string, bad UTF-8") << "[\"" + QByteArray(40, 's') + "\\n\xC0\"]"
                                            << "at byte 1 (line 1, column 2): a string longer than 20 bytes";
    QTest::newRow("long string, control byte") << "[\"" + QByteArray(40, 's') + "\x01\"]"
                                               << "at byte 1 (line 1, column 2): a string longer than 20 bytes";
    QTest::newRow("string at the limit, bad escape") << "[\"" + QByteArray(20, 's') + "\\x\"]"
                                                     << "at byte 22 (line 1, column 23): invalid escape: a backslash "
                                                        "followed by 'x' (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)";
}

void TestJsonReader::limitsDoNotDependOnChunks()
{
    QFETCH(QByteArray, doc);
    QFETCH(QString, error);
    JsonReader::Options options;
    options.maxNumberBytes = 20;
    options.maxStringBytes = 20;
    options.chunkBytes = 64;
    const QString expected = QStringLiteral("[@0 !") + error;
    QCOMPARE(dumpBytes(doc, {}, options), expected);
    for (std::size_t k = 1; k < std::size_t(doc.size()); ++k)
        QCOMPARE(dumpBytes(doc, {k, 0}, options), expected);
    QCOMPARE(dumpBytes(doc, {1}, options), expected);
}

void TestJsonReader::everyTruncationIsAnError()
{
    // Whatever a document is cut to, the reader says it ends early, at
    // exactly the cut, and never crashes or hangs.
    const QByteArray doc = QByteArray(richDocument).replace("1e400", "1e400, -0.5e-7, \"\\ud83d\\ude00\"");
    for (qsizetype k = 0; k < doc.size(); ++k) {
        const QByteArray prefix = doc.left(k);
        for (const std::vector<std::size_t> &pieces : {std::vector<std::size_t>{}, std::vector<std::size_t>{1}}) {
            MemorySource source(prefix, pieces);
            JsonReader r(source);
            const QString tokens = dump(r);
            QVERIFY2(r.hasError(), qPrintable(QStringLiteral("cut at %1: %2").arg(k).arg(tokens)));
            QVERIFY2(r.error().code == ErrorCode::Truncated && r.error().offset == k,
                     qPrintable(QStringLiteral("cut at %1: %2").arg(k).arg(r.errorString())));
        }
    }
    QCOMPARE(dumpBytes(doc, {}, {}, false).right(1), QStringLiteral("$"));
}

void TestJsonReader::skipValue()
{
    {
        JsonReader r(QByteArrayView(R"({"skip":{"a":[1,{"b":"}]"}],"c":"x"},"keep":2})"));
        QCOMPARE(r.next(), Token::BeginObject);
        QCOMPARE(r.next(), Token::Key);
        QCOMPARE(r.text(), std::string_view("skip"));
        QVERIFY(r.skipValue());
        QCOMPARE(r.depth(), 1);
        QCOMPARE(r.next(), Token::Key);
        QCOMPARE(r.text(), std::string_view("keep"));
        QVERIFY(r.skipValue()); // a scalar
        QCOMPARE(r.next(), Token::EndObject);
        QCOMPARE(r.next(), Token::EndOfInput);
    }
    {
        // Element by element; at the end skipValue leaves the ']' for next().
        JsonReader r(QByteArrayView("[[1,2],3,{\"a\":[]}]"));
        QCOMPARE(r.next(), Token::BeginArray);
        QVERIFY(r.skipValue());
        QVERIFY(r.skipValue());
        QVERIFY(r.skipValue());
        QVERIFY(!r.skipValue());
        QVERIFY(!r.hasError());
        QCOMPARE(r.next(), Token::EndArray);
        QVERIFY(!r.skipValue()); // nothing left
        QCOMPARE(r.next(), Token::EndOfInput);
    }
    {
        // At a key position it does not eat the key.
        JsonReader r(QByteArrayView(R"({"a":1})"));
        QCOMPARE(r.next(), Token::BeginObject);
        QVERIFY(!r.skipValue());
        QCOMPARE(r.next(), Token::Key);
        QCOMPARE(r.text(), std::string_view("a"));
        QCOMPARE(r.next(), Token::Number);
    }
    {
        // The whole document, and errors inside what is skipped still count.
        JsonReader ok(QByteArrayView(" [1, {\"a\": [true]}] "));
        QVERIFY(ok.skipValue());
        QCOMPARE(ok.next(), Token::EndOfInput);
        JsonReader bad(QByteArrayView(R"({"a":[1,{"b":01}]})"));
        QVERIFY(!bad.skipValue());
        QCOMPARE(bad.errorString(), QStringLiteral("at byte 14 (line 1, column 15): a number must not have leading zeros"));
        QCOMPARE(bad.next(), Token::Error);
    }
}

void TestJsonReader::skipContainer()
{
    JsonReader r(QByteArrayView(R"([{"x":[1,[2]],"y":{}},"after"])"));
    QCOMPARE(r.next(), Token::BeginArray);
    QCOMPARE(r.next(), Token::BeginObject);
    QVERIFY(r.skipContainer());
    QCOMPARE(r.depth(), 1);
    QCOMPARE(r.next(), Token::String);
    QCOMPARE(r.text(), std::string_view("after"));
    QVERIFY(!r.skipContainer()); // not after a Begin token
    QCOMPARE(r.next(), Token::EndArray);
}

void TestJsonReader::rawValues_data()
{
    QTest::addColumn<std::vector<std::size_t>>("pieces");
    QTest::addColumn<std::size_t>("chunk");
    QTest::newRow("whole") << std::vector<std::size_t>{} << std::size_t(256 * 1024);
    QTest::newRow("byte by byte") << std::vector<std::size_t>{1} << std::size_t(256 * 1024);
    QTest::newRow("small buffer") << std::vector<std::size_t>{3} << std::size_t(64);
}

void TestJsonReader::rawValues()
{
    QFETCH(std::vector<std::size_t>, pieces);
    QFETCH(std::size_t, chunk);
    const QByteArray big = "[" + QByteArray("{\"k\" : [1, 2.5e3, \"s\\u00e9\"] },\n").repeated(300) + "null ]";
    const QByteArray doc = "{\"x\": {\"a\" : [1, 2 ] }, \"y\":\"s\\\"q\\u00e9\", \"z\" : 12.5e3 ,\"w\":[ ],"
                           "\"big\":\n" + big + " , \"t\": true, \"last\": 1}";
    MemorySource source(doc, pieces);
    JsonReader::Options options;
    options.chunkBytes = chunk;
    JsonReader r(source, options);
    QByteArray raw;
    QCOMPARE(r.next(), Token::BeginObject);
    const std::vector<std::pair<const char *, QByteArray>> expected{
        {"x", R"({"a" : [1, 2 ] })"}, {"y", R"("s\"q\u00e9")"}, {"z", "12.5e3"}, {"w", "[ ]"},
        {"big", big},                 {"t", "true"}};
    for (const auto &[key, value] : expected) {
        QCOMPARE(r.next(), Token::Key);
        QCOMPARE(r.text(), std::string_view(key));
        QVERIFY2(r.readRawValue(raw), qPrintable(r.errorString()));
        QCOMPARE(raw, value);
    }
    // Reading goes on normally after a captured value.
    QCOMPARE(r.next(), Token::Key);
    QCOMPARE(r.next(), Token::Number);
    QCOMPARE(r.next(), Token::EndObject);
    QVERIFY(!r.readRawValue(raw)); // nothing left to capture
    QVERIFY(raw.isEmpty());
    QCOMPARE(r.next(), Token::EndOfInput);

    // The whole document, without the whitespace around it.
    const QByteArray padded = " \n" + doc + "\t ";
    MemorySource again(padded, pieces);
    JsonReader whole(again, options);
    QVERIFY(whole.readRawValue(raw));
    QCOMPARE(raw, doc);
    QCOMPARE(whole.next(), Token::EndOfInput);

    // Array elements one by one, and an invalid element is an error.
    MemorySource elements(QByteArrayView("[ {\"a\":1} , \"b\" , [01] ]"), pieces);
    JsonReader e(elements, options);
    QCOMPARE(e.next(), Token::BeginArray);
    QVERIFY(e.readRawValue(raw));
    QCOMPARE(raw, QByteArray("{\"a\":1}"));
    QVERIFY(e.readRawValue(raw));
    QCOMPARE(raw, QByteArray("\"b\""));
    QVERIFY(!e.readRawValue(raw));
    QCOMPARE(e.error().code, ErrorCode::InvalidNumber);
}

void TestJsonReader::rawValueLimit()
{
    JsonReader::Options options;
    options.maxRawBytes = 10;
    options.chunkBytes = 64;
    const QByteArray doc = R"({"ok":[1,2,3,45],"big":[1,2,3,4,5])" + QByteArray(",0").repeated(1000) + "]}";
    JsonReader r(doc, options);
    QByteArray raw;
    QCOMPARE(r.next(), Token::BeginObject);
    QCOMPARE(r.next(), Token::Key);
    QVERIFY(r.readRawValue(raw));
    QCOMPARE(raw, QByteArray("[1,2,3,45]"));
    QCOMPARE(r.next(), Token::Key);
    QVERIFY(!r.readRawValue(raw));
    QVERIFY(raw.isEmpty());
    QCOMPARE(r.error().code, ErrorCode::RawValueTooLong);
    QVERIFY2(r.errorString().endsWith(QStringLiteral("the value started at byte 23 is longer than 10 bytes")),
             qPrintable(r.errorString()));
    // It stops early instead of reading the whole value first.
    QVERIFY2(r.error().offset < 200, qPrintable(r.errorString()));
    QCOMPARE(r.next(), Token::Error);
}

void TestJsonReader::depthLimit_data()
{
    QTest::addColumn<int>("maxDepth");
    QTest::addColumn<int>("nesting");
    QTest::addColumn<bool>("object");
    QTest::addColumn<QString>("error");
    QTest::newRow("default, 512 arrays") << 512 << 512 << false << QString();
    QTest::newRow("default, 513 arrays") << 512 << 513 << false
                                         << "at byte 512 (line 1, column 513): nesting deeper than 512 levels";
    QTest::newRow("3, 3 objects") << 3 << 3 << true << QString();
    QTest::newRow("3, 4 objects") << 3 << 4 << true << "at byte 15 (line 1, column 16): nesting deeper than 3 levels";
    QTest::newRow("1, 1 array") << 1 << 1 << false << QString();
    QTest::newRow("1, 2 arrays") << 1 << 2 << false << "at byte 1 (line 1, column 2): nesting deeper than 1 levels";
}

void TestJsonReader::depthLimit()
{
    QFETCH(int, maxDepth);
    QFETCH(int, nesting);
    QFETCH(bool, object);
    QFETCH(QString, error);
    const QByteArray doc = object ? QByteArray("{\"a\":").repeated(nesting) + "1" + QByteArray("}").repeated(nesting)
                                  : QByteArray("[").repeated(nesting) + QByteArray("]").repeated(nesting);
    JsonReader::Options options;
    options.maxDepth = maxDepth;
    JsonReader r(doc, options);
    int deepest = 0;
    Token t;
    while ((t = r.next()) != Token::EndOfInput && t != Token::Error)
        deepest = std::max(deepest, r.depth());
    if (error.isEmpty()) {
        QCOMPARE(t, Token::EndOfInput);
        QCOMPARE(deepest, nesting);
    } else {
        QCOMPARE(r.errorString(), error);
        QCOMPARE(r.error().code, ErrorCode::TooDeep);
        QCOMPARE(deepest, maxDepth);
    }
}

void TestJsonReader::deepInputNeedsNoStack()
{
    // Ten million brackets: a recursive parser would overflow the stack; this
    // one stops at the limit, and with the limit raised it just counts.
    const QByteArray open(10'000'000, '[');
    JsonReader r(open);
    QString tokens = dump(r);
    QVERIFY(tokens.endsWith(QStringLiteral("nesting deeper than 512 levels")));
    JsonReader::Options options;
    options.maxDepth = 20'000'000;
    JsonReader deep(open, options);
    int n = 0;
    while (deep.next() == Token::BeginArray)
        ++n;
    QCOMPARE(n, 10'000'000);
    QCOMPARE(deep.errorString(),
             QStringLiteral("at byte 10000000 (line 1, column 10000001): ends inside an array started at byte 9999999 "
                            "(expected a value or ']')"));
}

void TestJsonReader::stringAndNumberLimits_data()
{
    QTest::addColumn<QByteArray>("doc");
    QTest::addColumn<QString>("error");
    QTest::newRow("string at the limit") << QByteArray(R"(["12345678"])") << QString();
    QTest::newRow("string past the limit") << QByteArray(R"(["123456789"])")
                                           << "at byte 1 (line 1, column 2): a string longer than 8 bytes";
    QTest::newRow("escapes count as written") << QByteArray(R"(["\u00e9\n\t"])")
                                              << "at byte 1 (line 1, column 2): a string longer than 8 bytes";
    QTest::newRow("key past the limit") << QByteArray(R"({"123456789":1})")
                                        << "at byte 1 (line 1, column 2): an object key longer than 8 bytes";
    QTest::newRow("number at the limit") << QByteArray("[-1.5e+3]") << QString();
    QTest::newRow("number past the limit") << QByteArray("[-1.5e+300]")
                                           << "at byte 1 (line 1, column 2): a number longer than 8 characters";
    QTest::newRow("long integer") << QByteArray("[123456789012]")
                                  << "at byte 1 (line 1, column 2): a number longer than 8 characters";
    QTest::newRow("very long string") << "[\"" + QByteArray(100'000, 'x') + "\"]"
                                      << "at byte 1 (line 1, column 2): a string longer than 8 bytes";
    QTest::newRow("very long number") << "[1" + QByteArray(100'000, '0') + "]"
                                      << "at byte 1 (line 1, column 2): a number longer than 8 characters";
}

void TestJsonReader::stringAndNumberLimits()
{
    QFETCH(QByteArray, doc);
    QFETCH(QString, error);
    JsonReader::Options options;
    options.maxStringBytes = 8;
    options.maxNumberBytes = 8;
    options.chunkBytes = 64;
    for (const std::vector<std::size_t> &pieces : {std::vector<std::size_t>{}, std::vector<std::size_t>{1}}) {
        MemorySource source(doc, pieces);
        JsonReader r(source, options);
        const QString tokens = dump(r);
        if (error.isEmpty()) {
            QVERIFY2(tokens.endsWith(QStringLiteral("$")), qPrintable(tokens));
        } else {
            QCOMPARE(r.errorString(), error);
            // The buffer did not grow to hold the whole token.
            QVERIFY2(r.bufferCapacity() <= 256, qPrintable(QString::number(r.bufferCapacity())));
        }
    }
}

void TestJsonReader::memoryStaysBounded()
{
    // 20 MB of trace-like events, generated as they are read and handed
    // out in pieces that end inside tokens: the buffer stays at its chunk
    // size, whatever the length.
    const QByteArray event = R"({"name":"task 12","cat":"cpu","ph":"X","ts":12345.678,"dur":12.5,"pid":1,"tid":3,)"
                             R"("args":{"cpu_ms":0.0125}},)";
    const QByteArray block = event.repeated(100);
    const std::int64_t blocks = 20'000'000 / block.size();
    const std::int64_t events = blocks * 100;
    GeneratedSource source(
        [&](std::int64_t i) -> QByteArray {
            if (i == 0)
                return "[";
            if (i <= blocks)
                return block;
            return i == blocks + 1 ? QByteArray("{}]") : QByteArray();
        },
        4093);
    JsonReader::Options options;
    options.chunkBytes = 64 * 1024;
    JsonReader r(source, options);
    std::int64_t objects = 0;
    Token t;
    while ((t = r.next()) != Token::EndOfInput && t != Token::Error) {
        if (t == Token::BeginObject && r.depth() == 2)
            ++objects;
    }
    QCOMPARE(t, Token::EndOfInput);
    QCOMPARE(objects, events + 1);
    QCOMPARE(r.tokenOffset(), 1 + events * event.size() + 3);
    QCOMPARE(r.bufferCapacity(), options.chunkBytes);

    // One 8 MB string grows the buffer to hold it; once it is over the
    // buffer shrinks back.
    const QByteArray huge(8 << 20, 'h');
    GeneratedSource withHuge([&](std::int64_t i) -> QByteArray {
        if (i == 0)
            return "[\"";
        if (i == 1)
            return huge;
        if (i == 2)
            return "\",";
        if (i < 5000)
            return event;
        return i == 5000 ? QByteArray("{}]") : QByteArray();
    });
    JsonReader h(withHuge, options);
    QCOMPARE(h.next(), Token::BeginArray);
    QCOMPARE(h.next(), Token::String);
    QCOMPARE(h.text().size(), std::size_t(huge.size()));
    QVERIFY(h.bufferCapacity() >= std::size_t(huge.size()));
    QVERIFY(h.bufferCapacity() <= 2 * std::size_t(huge.size()) + 2 * options.chunkBytes);
    while ((t = h.next()) != Token::EndOfInput && t != Token::Error) {
    }
    QCOMPARE(t, Token::EndOfInput);
    QVERIFY2(h.bufferCapacity() <= 2 * options.chunkBytes, qPrintable(QString::number(h.bufferCapacity())));
}

void TestJsonReader::readsDevicesAndDescriptors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("doc.json"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(richDocument);
    }
    const QString expected = dumpBytes(richDocument);
    QVERIFY(expected.endsWith(QStringLiteral("$@") + QString::number(richDocument.size())));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Unbuffered));
    DeviceSource fileSource(&file);
    JsonReader::Options small;
    small.chunkBytes = 64;
    JsonReader fromFile(fileSource, small);
    QCOMPARE(dump(fromFile, true), expected);

    QByteArray bytes = richDocument;
    QBuffer buffer(&bytes);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    DeviceSource bufferSource(&buffer);
    JsonReader fromBuffer(bufferSource);
    QCOMPARE(dump(fromBuffer, true), expected);

    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY);
    QVERIFY(fd >= 0);
    FdSource fdSource(fd);
    JsonReader fromFd(fdSource, small);
    QCOMPARE(dump(fromFd, true), expected);
    ::close(fd);
}

void TestJsonReader::readErrorsAreReported()
{
    FailingSource failing("[1, 2, \"abc");
    JsonReader r(failing);
    QCOMPARE(dump(r), QStringLiteral("[ n:1 n:2 !at byte 11 (line 1, column 12): reading failed: Input/output error"));
    QCOMPARE(r.error().code, ErrorCode::ReadFailed);

    // Even after a complete value, a failed read is not a clean end.
    FailingSource afterValue("[1]");
    JsonReader a(afterValue);
    QCOMPARE(dump(a), QStringLiteral("[ n:1 ] !at byte 3 (line 1, column 4): reading failed: Input/output error"));

    QFile closed(QStringLiteral("/nonexistent/never"));
    DeviceSource closedSource(&closed);
    JsonReader c(closedSource);
    QCOMPARE(dump(c), QStringLiteral("!at byte 0 (line 1, column 1): reading failed: the device is not open for reading"));

    FdSource badFd(-1);
    JsonReader b(badFd);
    QCOMPARE(dump(b), QStringLiteral("!at byte 0 (line 1, column 1): reading failed: Bad file descriptor"));
}

void TestJsonReader::staysAtEndOrError()
{
    JsonReader ok(QByteArrayView("[]"));
    dump(ok);
    QCOMPARE(ok.next(), Token::EndOfInput);
    QCOMPARE(ok.next(), Token::EndOfInput);
    QVERIFY(!ok.hasError());
    QVERIFY(ok.errorString().isEmpty());
    JsonReader bad(QByteArrayView("[1,]"));
    dump(bad);
    const QString message = bad.errorString();
    QCOMPARE(bad.next(), Token::Error);
    QVERIFY(!bad.skipValue());
    QByteArray raw;
    QVERIFY(!bad.readRawValue(raw));
    QCOMPARE(bad.errorString(), message);
}

void TestJsonReader::conversions()
{
    JsonReader r(QByteArrayView(R"({"k":"v\u00e9", "n": 2.5})"));
    QCOMPARE(r.token(), Token::None);
    r.next();
    QCOMPARE(r.next(), Token::Key);
    QCOMPARE(r.toQString(), QStringLiteral("k"));
    QCOMPARE(r.number().value, 0.0); // not a number token
    QCOMPARE(r.next(), Token::String);
    QCOMPARE(r.toQString(), QStringLiteral("v\u00e9"));
    QCOMPARE(r.toStdString(), std::string("v\xC3\xA9"));
    r.next();
    QCOMPARE(r.next(), Token::Number);
    QCOMPARE(r.toDouble(), 2.5);
    QCOMPARE(r.toQString(), QStringLiteral("2.5"));
    QCOMPARE(QString::fromLatin1(tokenName(r.token())), QStringLiteral("Number"));
}

QTEST_GUILESS_MAIN(TestJsonReader)
#include "tst_jsonreader.moc"
