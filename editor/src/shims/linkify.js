// linkify is off in the "commonmark" preset; markdown-it only constructs it.
export default function LinkifyIt() { if (!(this instanceof LinkifyIt)) return new LinkifyIt(); }
LinkifyIt.prototype.test = () => false; LinkifyIt.prototype.match = () => null; LinkifyIt.prototype.pretest = () => false;
LinkifyIt.prototype.matchAtStart = () => null; LinkifyIt.prototype.set = function () { return this; };
