// libFuzzer target: il::json::JsonReader must read any bytes to EndOfInput
// or one Error with a message, never crash or hang, and:
// - give identical tokens, offsets, texts and errors however the input is
//   cut into chunks (whole, byte by byte, and cuts chosen by the input);
// - hand out strictly increasing token offsets inside the input, and a
//   truncation error exactly at the input's end;
// - agree with skipValue() and readRawValue() on where the value ends, and
//   what readRawValue() keeps must read back to the same tokens.
#include "core/json/jsonreader.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace il::json;

namespace {

struct Item
{
    Token token;
    std::int64_t offset;
    std::string text;
    bool flag = false;   // Bool value, or Number overflow
    double value = 0;    // Number value
    QString error;

    bool operator==(const Item &o) const
    {
        // Compare doubles bitwise-ish: NaN never comes out, but -0 vs 0 matters.
        return token == o.token && offset == o.offset && text == o.text && flag == o.flag &&
               (value == o.value && std::signbit(value) == std::signbit(o.value)) && error == o.error;
    }
};

ReaderOptions smallOptions()
{
    // Small limits so the fuzzer reaches them; a small chunk so the buffer
    // moves and grows often.
    ReaderOptions o;
    o.maxDepth = 40;
    o.maxStringBytes = 300;
    o.maxNumberBytes = 60;
    o.maxRawBytes = 2000;
    o.chunkBytes = 64;
    return o;
}

std::vector<Item> tokens(QByteArrayView bytes, std::vector<std::size_t> pieces)
{
    MemorySource source(bytes, std::move(pieces));
    JsonReader r(source, smallOptions());
    std::vector<Item> out;
    for (;;) {
        Item it;
        it.token = r.next();
        it.offset = r.tokenOffset();
        switch (it.token) {
        case Token::Key:
        case Token::String:
            it.text = r.toStdString();
            break;
        case Token::Number: {
            it.text = r.toStdString();
            const Number n = r.number();
            it.value = n.value;
            it.flag = n.overflow;
            if (n.overflow != std::isinf(n.value) || std::isnan(n.value))
                std::abort(); // overflow is flagged exactly when the value is infinite
            if (n.fitsInt64 && (!n.isInteger || double(n.integer) != n.value))
                std::abort();
            break;
        }
        case Token::Bool:
            it.flag = r.boolean();
            break;
        case Token::Error:
            it.error = r.errorString();
            if (it.error.isEmpty() || r.error().code == ErrorCode::None)
                std::abort(); // an error without a reason
            break;
        default:
            break;
        }
        if (r.depth() > smallOptions().maxDepth)
            std::abort();
        out.push_back(std::move(it));
        if (out.back().token == Token::EndOfInput || out.back().token == Token::Error)
            return out;
        if (out.size() > std::size_t(bytes.size()) + 2)
            std::abort(); // more tokens than bytes: it is not advancing
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::vector<Item> whole = tokens(bytes, {});

    // Offsets: strictly increasing, inside the input; EndOfInput at its end.
    for (std::size_t i = 0; i < whole.size(); ++i) {
        const Item &it = whole[i];
        if (it.offset < 0 || it.offset > std::int64_t(size))
            std::abort();
        if (i > 0 && it.token != Token::Error && it.offset <= whole[i - 1].offset)
            std::abort();
        if (it.token == Token::EndOfInput && it.offset != std::int64_t(size))
            std::abort();
    }

    // Chunk boundaries never change the result.
    std::vector<std::size_t> cuts{1};
    if (size > 0) {
        cuts = {std::size_t(data[0] % 13) + 1, std::size_t(data[size - 1] % 7) + 1, 3};
        if (tokens(bytes, {size / 2, 0}) != whole)
            std::abort();
    }
    if (tokens(bytes, {1}) != whole || tokens(bytes, cuts) != whole)
        std::abort();

    // skipValue over the whole document ends where the token stream does.
    const bool clean = whole.back().token == Token::EndOfInput;
    {
        MemorySource source(bytes, cuts);
        JsonReader r(source, smallOptions());
        const bool skipped = r.skipValue();
        if (clean && (!skipped || r.next() != Token::EndOfInput))
            std::abort();
        if (!skipped && !r.hasError())
            std::abort(); // at the start, only an error stops skipValue
    }

    // readRawValue of the whole document: the value without the space
    // around it, and it reads back to the same tokens.
    if (clean) {
        MemorySource source(bytes, cuts);
        JsonReader r(source, smallOptions());
        QByteArray raw;
        if (!r.readRawValue(raw)) {
            if (r.error().code != ErrorCode::RawValueTooLong || size <= 2000)
                std::abort();
            return 0;
        }
        if (r.next() != Token::EndOfInput)
            std::abort();
        const std::vector<Item> again = tokens(raw, {});
        if (again.size() != whole.size())
            std::abort();
        for (std::size_t i = 0; i < again.size(); ++i) {
            if (again[i].token != whole[i].token || again[i].text != whole[i].text)
                std::abort();
        }
    }
    return 0;
}
