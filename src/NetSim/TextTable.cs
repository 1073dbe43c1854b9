using System.Text;

namespace NetSim;

/// <summary>
/// The one layout of every device table NetSim prints (MAC table, ARP cache, routes,
/// counters): a title line, a header line, then one line per row; columns left-aligned,
/// two spaces apart, no trailing spaces, '\n' line ends. Callers format the cells
/// with the invariant culture.
/// </summary>
internal sealed class TextTable(string title, params string[] headers)
{
    private readonly List<string[]> rows = [];

    /// <summary>Adds a row; it has one cell per header.</summary>
    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"A row of the table has {headers.Length} cells, not {cells.Length}.", nameof(cells));
        }

        rows.Add(cells);
    }

    /// <summary>The table as text.</summary>
    public override string ToString()
    {
        var widths = new int[headers.Length];
        foreach (string[] row in rows.Prepend(headers))
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var text = new StringBuilder();
        text.Append(title).Append('\n');
        foreach (string[] row in rows.Prepend(headers))
        {
            int start = text.Length;
            for (int i = 0; i < row.Length; i++)
            {
                text.Append(row[i]);
                if (i < row.Length - 1)
                {
                    text.Append(' ', widths[i] - row[i].Length + 2);
                }
            }

            while (text.Length > start && text[^1] == ' ')
            {
                text.Length--;
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
