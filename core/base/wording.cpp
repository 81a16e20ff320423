#include "core/base/wording.h"

#include <algorithm>

namespace il {

namespace {

bool needsEscape(char16_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) // C0, DEL, C1 (0x9b is a one-byte CSI)
           || c == 0x2028 || c == 0x2029        // line and paragraph separators
           || (c >= 0x202a && c <= 0x202e)      // bidi embeddings and overrides
           || (c >= 0x2066 && c <= 0x2069);     // bidi isolates
}

} // namespace

QString printable(const QString &text)
{
    qsizetype i = 0;
    while (i < text.size() && !needsEscape(text.at(i).unicode()))
        ++i;
    if (i == text.size())
        return text; // the common case: nothing to do, no copy
    QString out = text.left(i);
    out.reserve(text.size() + 16);
    for (; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (!needsEscape(c))
            out += QChar(c);
        else if (c == u'\n')
            out += QLatin1String("\\n");
        else if (c == u'\r')
            out += QLatin1String("\\r");
        else if (c == u'\t')
            out += QLatin1String("\\t");
        else
            out += QStringLiteral("\\u%1").arg(unsigned(c), 4, 16, QLatin1Char('0'));
    }
    return out;
}

QString plural(qint64 count, const char *noun, const char *pluralNoun)
{
    if (count == 1)
        return QStringLiteral("1 %1").arg(QLatin1String(noun));
    const QString many = pluralNoun ? QString::fromLatin1(pluralNoun) : QLatin1String(noun) + QLatin1Char('s');
    return QStringLiteral("%1 %2").arg(count).arg(many);
}

QString groupedCount(qint64 count)
{
    const bool negative = count < 0;
    QString digits = QString::number(negative ? -(count + 1) + 1ull : quint64(count));
    for (int at = int(digits.size()) - 3; at > 0; at -= 3)
        digits.insert(at, QLatin1Char(','));
    return negative ? QLatin1Char('-') + digits : digits;
}

void SaidOnce::add(const QString &what, const QString &who)
{
    auto same = std::find_if(m_items.begin(), m_items.end(), [&](const auto &item) { return item.first == what; });
    if (same == m_items.end())
        same = m_items.insert(m_items.end(), {what, {}});
    same->second << who;
}

QString andList(const QStringList &items)
{
    if (items.size() < 2)
        return items.value(0);
    return QStringLiteral("%1 and %2").arg(items.mid(0, items.size() - 1).join(QStringLiteral(", ")), items.last());
}

} // namespace il
