#include "core/modes/processes/sharedcells.h"

#include <cerrno>
#include <cstring>
#include <new>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace il {

namespace {

std::size_t bytesFor(std::uint32_t count) { return std::size_t(count == 0 ? 1 : count) * sizeof(CounterCell); }

std::string systemError(const char *what) { return std::string(what) + ": " + std::strerror(errno); }

} // namespace

std::unique_ptr<SharedCells> SharedCells::create(std::uint32_t count, std::string *error)
{
    const int fd = ::memfd_create("interleave-counters", MFD_CLOEXEC);
    if (fd < 0) {
        *error = systemError("memfd_create");
        return nullptr;
    }
    const std::size_t bytes = bytesFor(count);
    if (::ftruncate(fd, off_t(bytes)) != 0) {
        *error = systemError("ftruncate");
        ::close(fd);
        return nullptr;
    }
    void *map = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        *error = systemError("mmap");
        ::close(fd);
        return nullptr;
    }
    auto *cells = static_cast<CounterCell *>(map);
    for (std::uint32_t i = 0; i < count; ++i)
        new (cells + i) CounterCell();
    return std::unique_ptr<SharedCells>(new SharedCells(fd, cells, count));
}

std::unique_ptr<SharedCells> SharedCells::map(int fd, std::uint32_t count, std::string *error)
{
    struct stat st{};
    if (::fstat(fd, &st) != 0) {
        *error = systemError("the counters' descriptor");
        return nullptr;
    }
    const std::size_t bytes = bytesFor(count);
    if (std::size_t(st.st_size) < bytes) {
        *error = "the counters' segment has " + std::to_string(st.st_size) + " bytes, " + std::to_string(bytes) + " needed";
        return nullptr;
    }
    void *map = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        *error = systemError("mmap");
        return nullptr;
    }
    // The parent constructed the cells; here they are only mapped.
    return std::unique_ptr<SharedCells>(new SharedCells(fd, static_cast<CounterCell *>(map), count));
}

SharedCells::~SharedCells()
{
    ::munmap(m_cells, bytesFor(m_count));
    ::close(m_fd);
}

} // namespace il
