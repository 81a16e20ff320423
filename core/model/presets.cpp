#include "core/model/presets.h"

#include <QDir>
#include <QFile>

namespace il {

static QString presetPath(const QString &name)
{
    return QStringLiteral(":/presets/%1.json").arg(name);
}

QStringList presetNames()
{
    QStringList names;
    const auto entries = QDir(QStringLiteral(":/presets")).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QString &file : entries)
        names << file.chopped(5);
    return names;
}

QString presetDescription(const QString &name)
{
    const TaskSetResult r = loadPreset(name);
    if (!r.ok())
        return QString();
    return r.taskSet->extra.value(QLatin1String("description")).toString();
}

TaskSetResult loadPreset(const QString &name)
{
    QFile file(presetPath(name));
    if (!file.open(QIODevice::ReadOnly)) {
        TaskSetResult r;
        r.error = QStringLiteral("no preset named \"%1\" (available: %2)").arg(name, presetNames().join(QLatin1String(", ")));
        return r;
    }
    TaskSetResult r = parseTaskSet(file.readAll());
    if (!r.ok())
        r.error = QStringLiteral("preset %1: %2").arg(name, r.error);
    return r;
}

} // namespace il
