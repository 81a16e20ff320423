#pragma once

#include "core/exec/countercell.h"

#include <cstdint>
#include <memory>
#include <string>

namespace il {

// A run's counters in memory the parent and every worker map: an anonymous
// memfd the parent creates and each worker inherits (its close-on-exec flag
// cleared in the child only), named to the worker by a Shared frame.
// Standard C++ only (the worker links no Qt); errors are UTF-8 texts.
class SharedCells
{
public:
    // Parent: a new segment of `count` zeroed cells; null with *error set
    // when the system refuses.
    static std::unique_ptr<SharedCells> create(std::uint32_t count, std::string *error);
    // Worker: the segment the parent made, inherited as `fd`.
    static std::unique_ptr<SharedCells> map(int fd, std::uint32_t count, std::string *error);
    ~SharedCells();
    SharedCells(const SharedCells &) = delete;
    SharedCells &operator=(const SharedCells &) = delete;

    CounterCell *cells() const { return m_cells; }
    std::uint32_t count() const { return m_count; }
    int fd() const { return m_fd; }

private:
    SharedCells(int fd, CounterCell *cells, std::uint32_t count) : m_fd(fd), m_cells(cells), m_count(count) {}

    int m_fd;
    CounterCell *m_cells;
    std::uint32_t m_count;
};

} // namespace il
