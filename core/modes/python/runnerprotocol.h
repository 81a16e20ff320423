#pragma once

#include "core/trace/event.h"
#include "core/trace/incident.h"

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace il::runner {

// The Python runner's stream back to the engine (resources/python/
// interleave_runner.py says the same): text lines, whole lines per write.
//   H <version> <pid> <python version> <monotonic_ns>   first line
//   L <lane> <name>                                     a lane's name
//   <t_ns> <kind> <task> <lane> <phase> <span> <cpu_us> an event (numbers as in event.h)
//   N <kind> <lane> <pid> <task> <value> <detail>   an incident the run survived:
//              kind as incidentKindName (worker-crashed, worker-exited, task-raised,
//              worker-lost, tasks-lost), -1 for no lane or task, 0 for no pid
//   X <text>   the run could not go on
//   C <within_ns> <text>   how exactly a remote cluster's clocks were aligned onto ours
//   K <counter> <expected> <final>   a shared counter at the end (index into the set's names)
//   Y <lock> <acquisitions> <contended> <wait_ns> <longest_wait_ns> <longest_hold_ns>
//                          what a lock cost (index into the set's names)
//   F <lock> <from> <to> <release_ns> <acquired_ns>   a lock handed from a releasing task
//                          to one that waited for it and now runs on
//   D          every task reported
// Text keeps the runner's event compact (about 40 bytes) and readable with
// `cat`; the parser below checks every field, so garbage becomes a message.
inline constexpr int protocolVersion = 1;
inline constexpr int maxLineBytes = 64 * 1024;

enum class RecordType { Hello, Lane, Event, Note, Error, Clock, Counter, LockStat, Handoff, Done };

struct Record
{
    RecordType type = RecordType::Event;
    Event event;           // Event
    int lane = 0;          // Lane
    qint64 pid = 0;        // Hello
    int version = 0;       // Hello
    std::int64_t tNs = 0;  // Hello: the runner's CLOCK_MONOTONIC at hello; Clock: within how many ns
    Incident incident;     // Note (its time is the engine's, when it arrived)
    QString text;          // Lane name, Error, Clock; Hello: Python version
    std::int64_t name = -1;           // Counter, LockStat, Handoff: index into the task set's names
    std::int64_t values[5] = {};      // Counter: expected, final; LockStat: acquisitions,
                                      // contended, wait, longest wait, longest hold (ns);
                                      // Handoff: from, to, release, acquired (ns)
};

// Fed the bytes as they come; hands out one record per complete line.
// Events are checked for shape only (numbers in range, known kinds); what
// they mean for the run (task in range, lane known) is the executor's check.
class LineParser
{
public:
    enum class Status { Record, NeedMore, Error };

    void feed(const QByteArray &bytes) { m_buffer.append(bytes); }
    Status next(Record *out);
    QString error() const { return m_error; }
    // Bytes received and not yet parsed (a line still incomplete).
    qsizetype pending() const { return m_buffer.size() - m_pos; }

private:
    Status fail(const QString &why, const QByteArray &line);
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    QString m_error;
};

// One line parsed on its own (no newline); returns "" or what is wrong.
QString parseLine(const QByteArray &line, Record *out);

} // namespace il::runner
