#pragma once

// Where a JsonReader gets its bytes: a file, a device or memory, read in
// pieces so no document is ever held whole.

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <vector>

class QIODevice;

namespace il::json {

class JsonSource
{
public:
    virtual ~JsonSource() = default;
    // Copies up to `max` (> 0) bytes into `dst`. Returns how many, 0 at the
    // end of the input, -1 when reading failed (errorString() says why).
    // Returning fewer bytes than asked is fine and does not mean the end.
    virtual std::int64_t read(char *dst, std::int64_t max) = 0;
    virtual QString errorString() const { return {}; }
};

// Bytes already in memory. `pieces` cuts what read() hands out into pieces of
// those sizes (the last size repeats; 0 or empty = no cutting), so tests and
// the fuzz target can put chunk boundaries anywhere. The bytes are not
// copied: they must outlive the source.
class MemorySource final : public JsonSource
{
public:
    explicit MemorySource(QByteArrayView bytes, std::vector<std::size_t> pieces = {});
    std::int64_t read(char *dst, std::int64_t max) override;

private:
    QByteArrayView m_bytes;
    std::vector<std::size_t> m_pieces;
    std::size_t m_next = 0;  // bytes handed out so far
    std::size_t m_piece = 0; // index into m_pieces
};

// An open QIODevice (a QFile, QBuffer, ...). Reading blocks the way the
// device does; a QFile opened with QIODevice::Unbuffered avoids one copy.
// A device that returns 0 while more is still to come (a socket or a
// QProcess with nothing buffered yet) would look ended: give the reader
// such data only once it is complete, or through a blocking device.
class DeviceSource final : public JsonSource
{
public:
    explicit DeviceSource(QIODevice *device) : m_device(device) {}
    std::int64_t read(char *dst, std::int64_t max) override;
    QString errorString() const override;

private:
    QIODevice *m_device;
};

// A POSIX file descriptor, read with read(2) (interrupted reads are retried).
// The descriptor is not closed.
class FdSource final : public JsonSource
{
public:
    explicit FdSource(int fd) : m_fd(fd) {}
    std::int64_t read(char *dst, std::int64_t max) override;
    QString errorString() const override { return m_error; }

private:
    int m_fd;
    QString m_error;
};

} // namespace il::json
