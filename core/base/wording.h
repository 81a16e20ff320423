#pragma once

// Words for people, made safe and grammatical in one place: text that came
// from a user (a task or set name, a bad value, a path) is echoed in
// messages, tables and tooltips, so it must not carry terminal control
// sequences or line breaks; counts get their singular or plural noun.

#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace il {

// `text` with every control character (C0, DEL, C1), line or paragraph
// separator and bidirectional override written as a visible escape: \n, \r,
// \t or \uXXXX. Everything else, including backslashes and non-ASCII
// letters, is kept, so escaping twice changes nothing more.
QString printable(const QString &text);

// "1 task", "2 tasks", "0 tasks"; `pluralNoun` defaults to noun + "s".
QString plural(qint64 count, const char *noun, const char *pluralNoun = nullptr);

// "400,000": digits grouped by thousands, whatever the system's locale, so
// counts read the same in the header, the why text and the tests.
QString groupedCount(qint64 count);

// "a", "a and b", "a, b and c": a list said in a sentence.
QString andList(const QStringList &items);

// Things to say, each once with everyone it is true of, in the order first
// added: the same deadlock in four modes is said once, naming the four.
class SaidOnce
{
public:
    void add(const QString &what, const QString &who);
    // (what, who it is true of), in the order first added.
    const std::vector<std::pair<QString, QStringList>> &items() const { return m_items; }

private:
    std::vector<std::pair<QString, QStringList>> m_items;
};

} // namespace il
