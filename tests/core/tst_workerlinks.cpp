// interleave-worker links no Qt: what a worker needs is the C and C++
// runtimes, so its start-up is not the dynamic loader binding Qt Core, ICU
// and glib (README, Benchmark, "Spawn"). Read from the binary's own ELF
// dynamic section (its DT_NEEDED entries), not from ldd's guesses.
#include <QCoreApplication>
#include <QFile>
#include <QStringList>
#include <QTest>

#include <elf.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

template<typename T>
bool read(const QByteArray &elf, std::uint64_t at, T *out)
{
    if (at > std::uint64_t(elf.size()) || sizeof(T) > std::uint64_t(elf.size()) - at)
        return false;
    std::memcpy(out, elf.constData() + at, sizeof(T)); // little-endian, as checked
    return true;
}

// The DT_NEEDED names of a 64-bit little-endian ELF file; *error says why
// when it is not one or is cut short.
QStringList neededLibraries(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    const QByteArray elf = file.readAll();
    if (!elf.startsWith(ELFMAG) || elf.size() < qsizetype(sizeof(Elf64_Ehdr)) || elf[EI_CLASS] != ELFCLASS64
        || elf[EI_DATA] != ELFDATA2LSB) {
        *error = QStringLiteral("not a 64-bit little-endian ELF file");
        return {};
    }
    Elf64_Ehdr header;
    read(elf, 0, &header);
    std::vector<Elf64_Phdr> segments;
    for (std::uint16_t i = 0; i < header.e_phnum; ++i) {
        Elf64_Phdr s;
        if (!read(elf, header.e_phoff + std::uint64_t(i) * header.e_phentsize, &s)) {
            *error = QStringLiteral("program header %1 cut short").arg(i);
            return {};
        }
        segments.push_back(s);
    }
    const auto dynamic = std::find_if(segments.begin(), segments.end(), [](const Elf64_Phdr &s) { return s.p_type == PT_DYNAMIC; });
    if (dynamic == segments.end())
        return {}; // statically linked: needs nothing
    std::vector<std::uint64_t> needed;
    std::uint64_t strtab = 0;
    for (std::uint64_t at = dynamic->p_offset; at + sizeof(Elf64_Dyn) <= dynamic->p_offset + dynamic->p_filesz;
         at += sizeof(Elf64_Dyn)) {
        Elf64_Dyn entry;
        if (!read(elf, at, &entry)) {
            *error = QStringLiteral("dynamic section cut short");
            return {};
        }
        if (entry.d_tag == DT_NULL)
            break;
        if (entry.d_tag == DT_NEEDED)
            needed.push_back(entry.d_un.d_val);
        else if (entry.d_tag == DT_STRTAB)
            strtab = entry.d_un.d_ptr;
    }
    // DT_STRTAB is an address: the file offset is where a loaded segment has it.
    std::uint64_t strtabOffset = 0;
    bool mapped = false;
    for (const Elf64_Phdr &s : segments)
        if (s.p_type == PT_LOAD && strtab >= s.p_vaddr && strtab < s.p_vaddr + s.p_filesz) {
            strtabOffset = strtab - s.p_vaddr + s.p_offset;
            mapped = true;
        }
    if (!needed.empty() && !mapped) {
        *error = QStringLiteral("the string table is in no loaded segment");
        return {};
    }
    QStringList names;
    for (std::uint64_t offset : needed) {
        const std::uint64_t at = strtabOffset + offset;
        const qsizetype end = at < std::uint64_t(elf.size()) ? elf.indexOf('\0', qsizetype(at)) : -1;
        if (end < 0) {
            *error = QStringLiteral("a library name runs off the file");
            return {};
        }
        names << QString::fromLatin1(elf.constData() + at, end - qsizetype(at));
    }
    return names;
}

} // namespace

class TestWorkerLinks : public QObject
{
    Q_OBJECT
private slots:
    // The reader itself: this test links Qt Core, and the reader must say so
    // (a reader that found nothing would pass the worker's check below).
    void readsWhatThisTestNeeds()
    {
        QString error;
        const QStringList needed = neededLibraries(QCoreApplication::applicationFilePath(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(needed.contains(QStringLiteral("libQt6Core.so.6")), qPrintable(needed.join(QLatin1String(", "))));
        QVERIFY(needed.contains(QStringLiteral("libc.so.6")));
    }

    void refusesWhatIsNoElf()
    {
        QString error;
        QVERIFY(neededLibraries(QStringLiteral(INTERLEAVE_SOURCE_FILE), &error).isEmpty());
        QCOMPARE(error, QStringLiteral("not a 64-bit little-endian ELF file"));
    }

    void workerNeedsOnlyTheRuntimes()
    {
        const QString worker = QCoreApplication::applicationDirPath() + QStringLiteral("/interleave-worker");
        QString error;
        const QStringList needed = neededLibraries(worker, &error);
        QVERIFY2(error.isEmpty(), qPrintable(worker + QLatin1String(": ") + error));
        QVERIFY(needed.contains(QStringLiteral("libc.so.6")));
        // The C and C++ runtimes, and the dynamic loader itself (named when
        // libstdc++ is linked in statically: its thread-locals ask it).
        QStringList allowed = {QStringLiteral("libc.so.6"), QStringLiteral("libstdc++.so.6"), QStringLiteral("libm.so.6"),
                               QStringLiteral("libgcc_s.so.1"), QStringLiteral("ld-linux-x86-64.so.2")};
#ifdef INTERLEAVE_SANITIZED
        // The asan and tsan presets add their runtimes to every binary.
        allowed << QStringLiteral("libasan.so.8") << QStringLiteral("libubsan.so.1") << QStringLiteral("libtsan.so.2");
#endif
        QStringList extra;
        for (const QString &name : needed)
            if (!allowed.contains(name))
                extra << name;
        QVERIFY2(extra.isEmpty(), qPrintable(QStringLiteral("interleave-worker links %1").arg(extra.join(QLatin1String(", ")))));
    }
};

QTEST_GUILESS_MAIN(TestWorkerLinks)
#include "tst_workerlinks.moc"
