#include "englishplurals.h"

#include <QCoreApplication>

#include <cstring>

namespace ui {

QString EnglishPlurals::translate(const char *, const char *sourceText, const char *, int n) const
{
    // A null result means "no translation here": Qt then uses the source.
    if (n < 0 || !sourceText || !std::strstr(sourceText, "(s)"))
        return QString();
    QString text = QString::fromUtf8(sourceText);
    text.replace(QLatin1String("(s)"), n == 1 ? QString() : QStringLiteral("s"));
    return text;
}

void installEnglishPlurals()
{
    QCoreApplication *app = QCoreApplication::instance();
    if (!app || app->findChild<EnglishPlurals *>(QString(), Qt::FindDirectChildrenOnly))
        return;
    QCoreApplication::installTranslator(new EnglishPlurals(app));
}

} // namespace ui
