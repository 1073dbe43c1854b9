using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Msagl.Core.Geometry;
using Microsoft.Msagl.Core.Geometry.Curves;
using Microsoft.Msagl.Core.Layout;
using Microsoft.Msagl.Core.Routing;
using Microsoft.Msagl.Layout.Layered;
using Microsoft.Msagl.Miscellaneous;
using MsaglNode = Microsoft.Msagl.Core.Layout.Node;

namespace NetSim.Reporting;

/// <summary>
/// Draws a <see cref="TopologyModel"/> as SVG. The layout is MSAGL's (Microsoft Automatic Graph
/// Layout, in-process): its layered layout places the boxes left to right with the subnet
/// groups as clusters, routes the cables as splines round the boxes and places their labels.
/// This class measures the text, hands MSAGL the box shapes, and draws what it placed.
/// </summary>
internal static class TopologySvg
{
    private const double FontSize = 12;
    private const double CharWidth = FontSize * 0.6; // a monospace advance: text is measured without a font
    private const double LineHeight = 15;
    private const double LabelFontSize = 11;
    private const double LabelCharWidth = LabelFontSize * 0.6;
    private const double LabelLineHeight = 13;
    private const double Padding = 8;
    private const double GroupTitleHeight = 18;
    private const double Margin = 12;

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>The SVG text of <paramref name="model"/>: the same model gives the same bytes.</summary>
    public static string Draw(TopologyModel model)
    {
        var graph = new GeometryGraph();
        var nodes = new MsaglNode[model.Nodes.Count];
        var sizes = new (double Width, double Height)[model.Nodes.Count];
        for (int i = 0; i < nodes.Length; i++)
        {
            TopologyNode node = model.Nodes[i];
            double width = (node.Lines.Max(l => l.Length) * CharWidth) + (2 * Padding);
            double height = (node.Lines.Count * LineHeight) + Padding;
            sizes[i] = (width, height);
            nodes[i] = new MsaglNode(Boundary(node.Kind, width, height, new Point()), i);
            graph.Nodes.Add(nodes[i]);
        }

        var edges = new Edge[model.Edges.Count];
        for (int i = 0; i < edges.Length; i++)
        {
            TopologyEdge edge = model.Edges[i];
            edges[i] = new Edge(nodes[edge.From], nodes[edge.To]);
            if (!edge.IsTie)
            {
                string[] lines = EdgeLines(edge);
                edges[i].Label = new Label((lines.Max(l => l.Length) * LabelCharWidth) + 4, (lines.Length * LabelLineHeight) + 2, edges[i]);
            }

            graph.Edges.Add(edges[i]);
        }

        var clusters = new Cluster[model.Groups.Count];
        for (int group = 0; group < clusters.Length; group++)
        {
            clusters[group] = new Cluster(Enumerable.Range(0, nodes.Length).Where(i => model.Nodes[i].Domain == group).Select(i => nodes[i]))
            {
                RectangularBoundary = new RectangularClusterBoundary
                {
                    // The layout is turned a quarter after the margins are set, so the title's room is on every side.
                    LeftMargin = Padding + GroupTitleHeight,
                    RightMargin = Padding + GroupTitleHeight,
                    TopMargin = Padding + GroupTitleHeight,
                    BottomMargin = Padding + GroupTitleHeight,
                },
                BoundaryCurve = CurveFactory.CreateRectangle(1, 1, new Point()),
                UserData = group,
            };
            graph.RootCluster.AddChild(clusters[group]);
        }

        // Layered layout turned a quarter (left to right), as the DOT text asks of Graphviz.
        var settings = new SugiyamaLayoutSettings
        {
            Transformation = PlaneTransformation.Rotation(Math.PI / 2),
            NodeSeparation = 24,
            LayerSeparation = 48,
            ClusterMargin = Padding,
        };
        settings.EdgeRoutingSettings.EdgeRoutingMode = EdgeRoutingMode.Spline;
        LayoutHelpers.CalculateLayout(graph, settings, null);

        // MSAGL's y axis points up; SVG's down.
        Rectangle box = graph.BoundingBox;
        foreach (Cluster cluster in clusters)
        {
            box.Add(cluster.BoundingBox);
        }

        foreach (Edge edge in edges)
        {
            if (edge.Label is { } label)
            {
                box.Add(label.BoundingBox);
            }
        }

        double left = box.Left - Margin;
        double top = box.Top + Margin;
        (double X, double Y) At(Point p) => (p.X - left, top - p.Y);

        var svg = new XElement(
            Svg + "svg",
            new XAttribute("width", Number(box.Width + (2 * Margin))),
            new XAttribute("height", Number(box.Height + (2 * Margin))),
            new XAttribute("viewBox", $"0 0 {Number(box.Width + (2 * Margin))} {Number(box.Height + (2 * Margin))}"),
            new XAttribute("class", "topology"),
            new XAttribute("font-family", "monospace"),
            new XAttribute("font-size", Number(FontSize)),
            new XElement(Svg + "title", "Network topology"));

        for (int group = 0; group < clusters.Length; group++)
        {
            Rectangle r = clusters[group].BoundingBox;
            (double x, double y) = At(r.LeftTop);
            svg.Add(new XElement(
                Svg + "g",
                new XAttribute("class", "subnet"),
                new XAttribute("data-subnet", model.Groups[group]),
                new XElement(
                    Svg + "rect",
                    Attr("x", x),
                    Attr("y", y),
                    Attr("width", r.Width),
                    Attr("height", r.Height),
                    Attr("rx", 6),
                    new XAttribute("fill", "#f7f9fc"),
                    new XAttribute("stroke", "#8a99ad"),
                    new XAttribute("stroke-dasharray", "5 3")),
                new XElement(
                    Svg + "text",
                    Attr("x", x + Padding),
                    Attr("y", y + Padding + LabelFontSize),
                    Attr("font-size", LabelFontSize),
                    new XAttribute("fill", "#4a5a70"),
                    model.Groups[group])));
        }

        for (int i = 0; i < edges.Length; i++)
        {
            TopologyEdge edge = model.Edges[i];
            string path = PathData(edges[i], At);
            if (edge.IsTie)
            {
                svg.Add(new XElement(
                    Svg + "path",
                    new XAttribute("class", "tie"),
                    new XAttribute("d", path),
                    new XAttribute("fill", "none"),
                    new XAttribute("stroke", "#555"),
                    new XAttribute("stroke-width", "4")));
                continue;
            }

            var cable = new XElement(
                Svg + "path",
                new XAttribute("data-cable", edge.Name),
                new XAttribute("d", path),
                new XAttribute("fill", "none"),
                new XAttribute("stroke", "#333"),
                new XAttribute("stroke-width", "1.5"));
            if (edge.IsDown)
            {
                cable.Add(new XAttribute("stroke-dasharray", "6 4"));
            }

            var group = new XElement(Svg + "g", new XAttribute("class", edge.IsDown ? "cable down" : "cable"), cable);
            if (edges[i].Label is { } label)
            {
                (double x, double y) = At(label.Center);
                // A white outline under the letters keeps a label legible where another cable crosses it.
                XElement words = Text(EdgeLines(edge), x, y, LabelFontSize, LabelLineHeight, bold: false, "#333");
                words.Add(new XAttribute("stroke", "#fff"), new XAttribute("stroke-width", "3"), new XAttribute("paint-order", "stroke"));
                group.Add(words);
            }

            svg.Add(group);
        }

        for (int i = 0; i < nodes.Length; i++)
        {
            TopologyNode node = model.Nodes[i];
            (double x, double y) = At(nodes[i].Center);
            svg.Add(new XElement(
                Svg + "g",
                node.Kind == TopologyNodeKind.Interface
                    ? new XAttribute("class", "interface")
                    : new XAttribute("class", "device " + node.KindName),
                node.Kind == TopologyNodeKind.Interface
                    ? new XAttribute("data-interface", node.Id)
                    : new XAttribute("data-device", node.Device),
                Shape(node.Kind, x, y, sizes[i].Width, sizes[i].Height),
                Text(node.Lines, x, y, FontSize, LineHeight, bold: node.Kind != TopologyNodeKind.Interface, "#111")));
        }

        var text = new StringBuilder();
        var writerSettings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = true, IndentChars = "  ", NewLineChars = "\n" };
        using (var writer = XmlWriter.Create(text, writerSettings))
        {
            svg.WriteTo(writer);
        }

        return text.Append('\n').ToString();
    }

    private static string[] EdgeLines(TopologyEdge edge) =>
        edge.Ports.Length > 0 ? [edge.Ports, edge.RateAndDelay] : [edge.RateAndDelay];

    // The outline MSAGL lays out and ends the cables at: the shape drawn round a text box of width x height.
    private static ICurve Boundary(TopologyNodeKind kind, double width, double height, Point center) => kind switch
    {
        TopologyNodeKind.Router => CurveFactory.CreateEllipse(width / Math.Sqrt(2), height / Math.Sqrt(2), center),
        TopologyNodeKind.Hub => new Polyline(Hexagon(width, height).Select(p => new Point(p.X + center.X, p.Y + center.Y))) { Closed = true },
        TopologyNodeKind.Interface => CurveFactory.CreateRectangleWithRoundedCorners(width, height, 6, 6, center),
        _ => CurveFactory.CreateRectangle(width, height, center),
    };

    // A hexagon round a text box: pointed left and right, half the height added at each side.
    private static (double X, double Y)[] Hexagon(double width, double height)
    {
        double w = width / 2;
        double h = height / 2;
        return [(-w - h, 0), (-w, h), (w, h), (w + h, 0), (w, -h), (-w, -h)];
    }

    private static XElement Shape(TopologyNodeKind kind, double x, double y, double width, double height)
    {
        (string fill, string stroke) = kind switch
        {
            TopologyNodeKind.Host => ("#e8f0fe", "#3b6fc4"),
            TopologyNodeKind.Router => ("#fde9e7", "#c0392b"),
            TopologyNodeKind.Switch => ("#e6f4ea", "#2e8b57"),
            TopologyNodeKind.Hub => ("#fff3e0", "#d9822b"),
            TopologyNodeKind.Interface => ("#ffffff", "#c0392b"),
            _ => ("#f2f2f2", "#777777"),
        };
        XElement shape = kind switch
        {
            TopologyNodeKind.Router => new XElement(Svg + "ellipse", Attr("cx", x), Attr("cy", y), Attr("rx", width / Math.Sqrt(2)), Attr("ry", height / Math.Sqrt(2))),
            TopologyNodeKind.Hub => new XElement(
                Svg + "polygon",
                new XAttribute("points", string.Join(' ', Hexagon(width, height).Select(p => $"{Number(x + p.X)},{Number(y - p.Y)}")))),
            _ => new XElement(
                Svg + "rect",
                Attr("x", x - (width / 2)),
                Attr("y", y - (height / 2)),
                Attr("width", width),
                Attr("height", height),
                Attr("rx", kind == TopologyNodeKind.Interface ? 6 : kind == TopologyNodeKind.Switch ? 2 : 0)),
        };
        shape.Add(new XAttribute("fill", fill), new XAttribute("stroke", stroke), new XAttribute("stroke-width", kind == TopologyNodeKind.Switch ? "2.5" : "1.5"));
        if (kind == TopologyNodeKind.Nic)
        {
            shape.Add(new XAttribute("stroke-dasharray", "4 2"));
        }

        return shape;
    }

    // Lines of text centred on (x, y).
    private static XElement Text(IReadOnlyList<string> lines, double x, double y, double fontSize, double lineHeight, bool bold, string fill)
    {
        var text = new XElement(Svg + "text", new XAttribute("text-anchor", "middle"), new XAttribute("fill", fill));
        if (fontSize != FontSize)
        {
            text.Add(Attr("font-size", fontSize));
        }

        double first = y - (lines.Count * lineHeight / 2) + (lineHeight * 0.75);
        for (int i = 0; i < lines.Count; i++)
        {
            var span = new XElement(Svg + "tspan", Attr("x", x), Attr("y", first + (i * lineHeight)), lines[i]);
            if (bold && i == 0)
            {
                span.Add(new XAttribute("font-weight", "bold"));
            }

            text.Add(span);
        }

        return text;
    }

    // The SVG path of an edge's curve as MSAGL routed it: lines and cubic Béziers as they are, anything else sampled.
    private static string PathData(Edge edge, Func<Point, (double X, double Y)> at)
    {
        ICurve curve = edge.Curve ?? new LineSegment(edge.Source.Center, edge.Target.Center);
        var d = new StringBuilder();
        Move(d, 'M', curve.Start);
        Append(curve);
        return d.ToString();

        void Append(ICurve part)
        {
            switch (part)
            {
                case Curve whole:
                    foreach (ICurve segment in whole.Segments)
                    {
                        Append(segment);
                    }

                    break;
                case LineSegment line:
                    Move(d, 'L', line.End);
                    break;
                case CubicBezierSegment bezier:
                    Move(d, 'C', bezier.B(1));
                    Move(d, ' ', bezier.B(2));
                    Move(d, ' ', bezier.B(3));
                    break;
                case Polyline polyline:
                    foreach (Point point in polyline.Skip(1))
                    {
                        Move(d, 'L', point);
                    }

                    break;
                default:
                    for (int i = 1; i <= 16; i++)
                    {
                        Move(d, 'L', part[part.ParStart + ((part.ParEnd - part.ParStart) * i / 16)]);
                    }

                    break;
            }
        }

        void Move(StringBuilder path, char command, Point point)
        {
            (double x, double y) = at(point);
            if (path.Length > 0)
            {
                path.Append(' ');
            }

            if (command != ' ')
            {
                path.Append(command);
            }

            path.Append(Number(x)).Append(',').Append(Number(y));
        }
    }

    private static XAttribute Attr(string name, double value) => new(name, Number(value));

    // One decimal, invariant, never "-0".
    private static string Number(double value)
    {
        double rounded = Math.Round(value, 1, MidpointRounding.AwayFromZero);
        return (rounded == 0 ? 0 : rounded).ToString("0.#", CultureInfo.InvariantCulture);
    }
}
