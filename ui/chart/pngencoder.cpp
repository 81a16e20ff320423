#include "ui/chart/pngencoder.h"

#include <QImage>

#include <zlib.h>

#include <vector>

namespace ui {

namespace {

void putBig32(QByteArray &out, quint32 v)
{
    const char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
    out.append(b, 4);
}

void putChunk(QByteArray &out, const char type[4], const unsigned char *data, std::size_t size)
{
    putBig32(out, quint32(size));
    const qsizetype start = out.size();
    out.append(type, 4);
    out.append(reinterpret_cast<const char *>(data), qsizetype(size));
    const uLong crc = crc32(0, reinterpret_cast<const Bytef *>(out.constData() + start), uInt(size + 4));
    putBig32(out, quint32(crc));
}

} // namespace

QByteArray encodeOpaquePng(const QImage &source)
{
    if (source.isNull())
        return {};
    const QImage image = source.format() == QImage::Format_RGB32 || source.format() == QImage::Format_ARGB32
        ? source
        : source.convertToFormat(QImage::Format_RGB32);
    const int w = image.width();
    const int h = image.height();

    QByteArray out;
    out.reserve(1 << 20);
    out.append("\x89PNG\r\n\x1a\n", 8);
    unsigned char header[13] = {};
    for (int i = 0; i < 4; ++i) {
        header[i] = static_cast<unsigned char>(quint32(w) >> (24 - 8 * i));
        header[4 + i] = static_cast<unsigned char>(quint32(h) >> (24 - 8 * i));
    }
    header[8] = 8; // bits per channel
    header[9] = 2; // RGB
    putChunk(out, "IHDR", header, sizeof header);

    z_stream z{};
    if (deflateInit2(&z, 1, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    // Rows go in one at a time (filter byte 0, then R G B), IDAT chunks out
    // whenever the output buffer fills.
    std::vector<unsigned char> row(1 + std::size_t(w) * 3);
    std::vector<unsigned char> buffer(256 * 1024);
    bool ok = true;
    const auto drain = [&](int flush) {
        for (;;) {
            z.next_out = buffer.data();
            z.avail_out = uInt(buffer.size());
            const int rc = deflate(&z, flush);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
                ok = false;
                return;
            }
            const std::size_t produced = buffer.size() - z.avail_out;
            if (produced > 0)
                putChunk(out, "IDAT", buffer.data(), produced);
            if (flush == Z_FINISH ? rc == Z_STREAM_END : z.avail_out != 0)
                return;
        }
    };
    for (int y = 0; y < h && ok; ++y) {
        const auto *src = reinterpret_cast<const quint32 *>(image.constScanLine(y));
        unsigned char *d = row.data() + 1;
        for (int x = 0; x < w; ++x) {
            const quint32 v = src[x];
            d[0] = static_cast<unsigned char>(v >> 16);
            d[1] = static_cast<unsigned char>(v >> 8);
            d[2] = static_cast<unsigned char>(v);
            d += 3;
        }
        z.next_in = row.data();
        z.avail_in = uInt(row.size());
        drain(Z_NO_FLUSH);
    }
    if (ok)
        drain(Z_FINISH);
    deflateEnd(&z);
    if (!ok)
        return {};
    putChunk(out, "IEND", nullptr, 0);
    return out;
}

} // namespace ui
