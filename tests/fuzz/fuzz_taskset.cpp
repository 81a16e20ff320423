// libFuzzer target: il::parseTaskSet must accept or reject any bytes with a
// message, never crash, and whatever it accepts must pass validateTaskSet and
// survive a round trip through taskSetToJson unchanged.
#include "core/model/taskset.h"

#include <QByteArray>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const il::TaskSetResult r = il::parseTaskSet(bytes);
    if (!r.ok()) {
        if (r.error.isEmpty())
            std::abort(); // rejected without saying why
        return 0;
    }
    if (!r.error.isEmpty() || !il::validateTaskSet(*r.taskSet).isEmpty())
        std::abort(); // accepted something the validator refuses
    const il::TaskSetResult again = il::parseTaskSet(il::taskSetToJson(*r.taskSet));
    if (!again.ok() || again.taskSet->tasks.size() != r.taskSet->tasks.size())
        std::abort(); // what we write we must read back
    for (std::size_t i = 0; i < r.taskSet->tasks.size(); ++i) {
        const auto &a = r.taskSet->tasks[i].phases;
        const auto &b = again.taskSet->tasks[i].phases;
        if (a.size() != b.size())
            std::abort();
        for (std::size_t j = 0; j < a.size(); ++j)
            if (a[j].kind != b[j].kind || a[j].ms != b[j].ms)
                std::abort();
    }
    return 0;
}
