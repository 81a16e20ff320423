#include "core/json/jsonsource.h"

#include <QIODevice>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <unistd.h>

namespace il::json {

MemorySource::MemorySource(QByteArrayView bytes, std::vector<std::size_t> pieces)
    : m_bytes(bytes), m_pieces(std::move(pieces))
{
}

std::int64_t MemorySource::read(char *dst, std::int64_t max)
{
    const std::size_t left = std::size_t(m_bytes.size()) - m_next;
    std::size_t n = std::min<std::size_t>(left, std::size_t(max));
    if (!m_pieces.empty()) {
        const std::size_t piece = m_pieces[std::min(m_piece, m_pieces.size() - 1)];
        if (piece > 0)
            n = std::min(n, piece);
        ++m_piece;
    }
    if (n > 0)
        std::memcpy(dst, m_bytes.data() + m_next, n);
    m_next += n;
    return std::int64_t(n);
}

std::int64_t DeviceSource::read(char *dst, std::int64_t max)
{
    if (!m_device || !m_device->isOpen() || !m_device->isReadable())
        return -1;
    return m_device->read(dst, max);
}

QString DeviceSource::errorString() const
{
    if (!m_device)
        return QStringLiteral("no device");
    if (!m_device->isOpen() || !m_device->isReadable())
        return QStringLiteral("the device is not open for reading");
    return m_device->errorString();
}

std::int64_t FdSource::read(char *dst, std::int64_t max)
{
    for (;;) {
        const ssize_t n = ::read(m_fd, dst, std::size_t(max));
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        m_error = QString::fromLocal8Bit(std::strerror(errno));
        return -1;
    }
}

} // namespace il::json
