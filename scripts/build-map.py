#!/usr/bin/env python3
"""Builds the dashboard's world map (src/main/resources/dev/meridian/admin/ui/world-110m.svg).

Run by hand, once, when the map should change; the output is committed and served from the jar,
so nothing is fetched at run time. The source is Natural Earth's 1:110m admin-0 countries (public
domain) as TopoJSON in the npm package world-atlas 2.0.2:

    npm pack world-atlas@2.0.2          # writes world-atlas-2.0.2.tgz here
    python3 scripts/build-map.py world-atlas-2.0.2.tgz

The SVG holds two paths in an equirectangular projection, ten units to the degree:
x = (lon + 180) * 10, y = (90 - lat) * 10, viewBox 0 0 3600 1800. "land" is the merged land
outline (the package's "land" object); "borders" is every arc two countries share (interior
borders only, as topojson.mesh(topology, countries, (a, b) => a !== b) draws them). Shapes that
cross the antimeridian (Fiji, Chukotka, Antarctica) are drawn on both edges. Coordinates
are rounded to whole units (0.1 degree), well inside the 1:110m data's own accuracy, and written
as relative moves to keep the file small.
"""

import hashlib
import json
import sys
import tarfile
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / (
    "src/main/resources/dev/meridian/admin/ui/world-110m.svg")
MEMBER = "package/countries-110m.json"
UNITS_PER_DEGREE = 10


def decode_arcs(topology):
    """Absolute lon/lat points of every arc (TopoJSON arcs are quantized and delta-encoded)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def project(point):
    lon, lat = point
    return (round((lon + 180) * UNITS_PER_DEGREE), round((90 - lat) * UNITS_PER_DEGREE))


def arc_points(arcs, index):
    """Arc `index`; a negative index ~i is arc i reversed (TopoJSON specification 2.1.4)."""
    return arcs[index] if index >= 0 else list(reversed(arcs[~index]))


def ring_points(arcs, ring):
    points = []
    for i, index in enumerate(ring):
        pts = arc_points(arcs, index)
        points.extend(pts if i == 0 else pts[1:])  # consecutive arcs share their joining point
    return points


def unwrap(points):
    """The same line with longitudes continuous: a step across the antimeridian (|dlon| > 180)
    continues past +-180 instead of jumping across the map."""
    out = [points[0]]
    for lon, lat in points[1:]:
        prev = out[-1][0]
        while lon - prev > 180:
            lon -= 360
        while prev - lon > 180:
            lon += 360
        out.append((lon, lat))
    return out


def wrapped(lines, closed):
    """Lines split for a map cut at +-180: each unwrapped line, plus copies shifted by 360 degrees
    for the part past an edge (the viewBox clips the rest). A ring around a pole (Antarctica)
    does not close when unwrapped; it is closed along the pole so that its fill stays inside."""
    out = []
    for line in lines:
        line = unwrap(line)
        drift = line[-1][0] - line[0][0]
        if closed and abs(drift) > 180:
            pole = -90 if sum(lat for _, lat in line) < 0 else 90
            line = line + [(line[-1][0], pole), (line[0][0], pole)]
        out.append(line)
        lons = [lon for lon, _ in line]
        if min(lons) < -180:
            out.append([(lon + 360, lat) for lon, lat in line])
        if max(lons) > 180:
            out.append([(lon - 360, lat) for lon, lat in line])
    return out


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def path(lines, closed):
    """SVG path data: an absolute move per line, then relative lines in whole units."""
    out = []
    for line in lines:
        projected = [project(p) for p in line]
        deduped = [projected[0]]
        for p in projected[1:]:
            if p != deduped[-1]:
                deduped.append(p)
        if closed and len(deduped) < 3:
            continue  # a ring that rounds to a point or a line is invisible at this scale
        x, y = deduped[0]
        cmds = [f"M{x} {y}"]
        steps = []
        for nx, ny in deduped[1:]:
            steps.append(f"{nx - x} {ny - y}")
            x, y = nx, ny
        cmds.append("l" + " ".join(steps))
        if closed:
            cmds.append("z")
        out.append("".join(cmds))
    return "".join(out).replace(" -", "-")


def main(tgz):
    data = Path(tgz).read_bytes()
    with tarfile.open(tgz) as tar:
        topology = json.load(tar.extractfile(MEMBER))
    arcs = decode_arcs(topology)

    land_rings = []
    for geometry in topology["objects"]["land"]["geometries"]:
        for polygon in polygons(geometry):
            land_rings.extend(ring_points(arcs, ring) for ring in polygon)

    # An arc used by two country geometries is a border between them; an arc used once is coast.
    uses = Counter()
    for geometry in topology["objects"]["countries"]["geometries"]:
        seen = set()
        for polygon in polygons(geometry):
            for ring in polygon:
                for index in ring:
                    seen.add(index if index >= 0 else ~index)
        uses.update(seen)
    borders = [arcs[i] for i in sorted(uses) if uses[i] > 1]

    sha = hashlib.sha256(data).hexdigest()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 3600 1800">\n'
        "<!-- Natural Earth 1:110m admin-0 countries (public domain, naturalearthdata.com), from "
        f"npm world-atlas 2.0.2 {MEMBER} (tarball sha256 {sha}); built by scripts/build-map.py. "
        "Equirectangular: x = (lon + 180) * 10, y = (90 - lat) * 10. -->\n"
        f'<path id="land" fill="#d9dde3" d="{path(wrapped(land_rings, True), True)}"/>\n'
        f'<path id="borders" fill="none" stroke="#ffffff" stroke-width="2" '
        f'd="{path(wrapped(borders, False), False)}"/>\n'
        "</svg>\n"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(svg)
    print(f"{OUT}: {len(svg)} bytes, {len(land_rings)} land rings, {len(borders)} border arcs")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/build-map.py world-atlas-2.0.2.tgz")
    main(sys.argv[1])
